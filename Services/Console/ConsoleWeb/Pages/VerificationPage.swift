import CommonAPI
import Foundation
import OversightAPI
import RPC
import Runtime
import Wire

/// The audit log's verification: the latest checkpoint each service holds
/// (AuditCheckpoints.GetLatestCheckpoint, as the viewer), then Oversight's VerifyAuditLog with
/// them, as `supportctl oversight verify` does.
struct VerificationPage {
    /// The services whose checkpoints are collected.
    static let holders = ["orders", "returns", "refunds", "inquiries"]

    /// What each service answered: its checkpoint's sequence, or why there is none.
    var held: [(service: String, outcome: String)]
    /// The result.
    var result: AuditLogVerification

    /// Collects the checkpoints and verifies, as `viewer`.
    static func load(peers: ConsolePeers, viewer: Viewer) async throws -> VerificationPage {
        var checkpoints: [AuditCheckpoint] = []
        var held: [(String, String)] = []
        for service in holders {
            do {
                let response = try await peers.call(service, as: viewer) { client in
                    try await AuditCheckpoints.Client(client).getLatestCheckpoint(GetLatestCheckpointRequest())
                }
                if let checkpoint = response.checkpoint {
                    checkpoints.append(checkpoint)
                    held.append((service, "checkpoint at sequence \(checkpoint.sequence)"))
                } else {
                    held.append((service, "no checkpoint yet"))
                }
            } catch {
                held.append((service, "not reached: \(error.message)"))
            }
        }
        let result = try await peers.call("oversight", as: viewer) { client in
            try await Oversight.Client(client).verifyAuditLog(
                VerifyAuditLogRequest.with { $0.checkpoints = checkpoints })
        }
        return VerificationPage(held: held, result: result)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let verdict: HTML =
            result.valid
            ? #"<p id="verdict" class="pass" role="status">Valid: every record is intact, in place and in order.</p>"#
            : """
            <p id="verdict" class="fail" role="status">Invalid: record \(result.firstInvalidSequence): \(result.problem)</p>
            """
        let rows = held.map { item -> HTML in
            #"<tr><th scope="row">\#(item.service)</th><td>\#(item.outcome)</td></tr>"#
        }
        let content: HTML = """
            \(verdict)
            <table id="verification"><caption>VerifyAuditLog</caption><tbody>\
            <tr><th scope="row">Records checked</th><td class="number">\(result.recordsChecked)</td></tr>\
            <tr><th scope="row">Checkpoints checked</th><td class="number">\(result.checkpointsChecked)</td></tr>\
            <tr><th scope="row">Head hash</th><td><code>\(result.headHash.map { String(format: "%02x", $0) }.joined())</code></td></tr>\
            </tbody></table>
            <table id="checkpoints"><caption>Checkpoints the services hold</caption><tbody>\(rows)</tbody></table>
            <p><a href="/audit">Back to the audit page</a></p>
            """
        return Layout.page(title: "Audit log verification", viewer: viewer, section: .audit, content: content)
    }
}
