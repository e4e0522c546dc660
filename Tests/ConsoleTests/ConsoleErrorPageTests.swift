import Crypto
import Foundation
import Hummingbird
import RPC
import Runtime
import Testing

@testable import ConsoleWeb

/// Page loads throw untyped errors: whatever a page throws that is not a ``PageError`` or a
/// ``Redirect`` reaches the browser as the console's generic 500 page, without its description.
@Suite struct ConsoleErrorPageTests {
    /// An error whose description holds what a browser must never see.
    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "postgres://console:hunter2@10.0.0.7/oversight: relation ratings_v1 is locked" }
    }

    let key = P256.Signing.PrivateKey()

    func console() -> Console {
        Console(
            peers: ConsolePeers(transports: [:]),
            verifier: TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support"),
            cookies: SessionCookies(secure: true), devSignIn: nil)
    }

    func request(token: String) -> Request {
        let head = HTTPRequest(
            method: .get, scheme: "http", authority: "127.0.0.1:8080", path: "/overview",
            headerFields: [.authorization: "Bearer \(token)"])
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }

    @Test func anErrorOtherThanAPageErrorIsAGeneric500() async throws {
        let token = try TokenMinter(key: key, issuer: "support-platform", audience: "support")
            .mint(subject: "agent-1", role: .agent)
        let console = console()
        let failures: [any Error] = [
            InternalFailure(), CancellationError(),
            DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "hunter2 in a decoder")),
        ]
        for failure in failures {
            let response = await console.respond(request(token: token)) { throw failure }
            #expect(response.status.code == 500)
            let collector = BodyCollector()
            try await response.body.write(CollectingWriter(collector: collector))
            #expect(collector.text.contains("the page could not be built"))
            #expect(!collector.text.contains("hunter2"), "\(failure)")
            #expect(!collector.text.contains("10.0.0.7"))
        }
        // A PageError still reaches the page with its own status and message.
        let refused = await console.respond(request(token: token)) { throw PageError.notFound("no case C-9") }
        #expect(refused.status.code == 404)
    }

    /// A failure inside a service call that is no status the service chose is a 502 page
    /// without the failure's description.
    @Test func aCallsOtherFailureIsA502WithoutItsDescription() async throws {
        let peers = ConsolePeers(transports: ["oversight": InProcessTransport(router: Router())])
        let viewer = Viewer(identity: Identity(subject: "agent-1", role: .agent), token: "t")
        do throws(PageError) {
            _ = try await peers.call("oversight", as: viewer) { _ -> Int in throw InternalFailure() }
            Issue.record("the call succeeded")
        } catch {
            #expect(error.status == 502)
            #expect(error.message == "oversight: the answer could not be used")
            #expect(!error.message.contains("hunter2"))
        }
    }
}
