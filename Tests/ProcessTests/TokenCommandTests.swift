import Crypto
import Foundation
import Runtime
import TestSupport
import Testing

/// The documented way to mint local tokens: `supportctl token keygen` then `supportctl token mint`;
/// a service holding the public key accepts the token with the subject and role asked for.
@Suite struct TokenCommandTests {
    @Test func keygenThenMintGivesATokenTheServicesAccept() async throws {
        let directory = NSTemporaryDirectory() + "keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keygen = try ChildProcess("supportctl", ["token", "keygen", "--out-dir", directory])
        #expect(try await keygen.waitForExit() == 0)
        let permissions =
            try FileManager.default.attributesOfItem(atPath: "\(directory)/token-signing.pem")[
                .posixPermissions] as? Int
        #expect(permissions == 0o600)

        let mint = try ChildProcess(
            "supportctl",
            ["token", "mint", "--key", "\(directory)/token-signing.pem", "--subject", "agent-7", "--role", "agent"])
        #expect(try await mint.waitForExit() == 0)
        let token = try #require(mint.output.first)

        let pem = try String(contentsOfFile: "\(directory)/token-public.pem", encoding: .utf8)
        let verifier = TokenVerifier(
            key: try P256.Signing.PublicKey(pemRepresentation: pem), issuer: "support-platform", audience: "support")
        let identity = try verifier.verify(token)
        #expect(identity == Identity(subject: "agent-7", role: .agent))
    }

    @Test func unknownRoleIsRefused() async throws {
        let mint = try ChildProcess(
            "supportctl", ["token", "mint", "--key", "/nonexistent", "--subject", "x", "--role", "boss"])
        #expect(try await mint.waitForExit() != 0)
    }

    /// The local layout `make run` uses: a key per service and the identity provider's, all in one
    /// key set. A service's key mints only its own service tokens; a removed key is refused.
    @Test func namedKeysGoIntoOneKeySetWithWhatEachMaySign() async throws {
        let directory = NSTemporaryDirectory() + "keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for arguments in [
            ["--name", "identity-provider", "--roles", "customer,agent,auditor,service"],
            ["--name", "orders", "--service"],
        ] {
            let keygen = try ChildProcess("supportctl", ["token", "keygen", "--out-dir", directory] + arguments)
            #expect(try await keygen.waitForExit() == 0)
        }
        let permissions =
            try FileManager.default.attributesOfItem(atPath: "\(directory)/orders.pem")[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        func mint(_ key: String, _ subject: String, _ role: String) async throws -> String {
            let mint = try ChildProcess(
                "supportctl",
                ["token", "mint", "--key", "\(directory)/\(key).pem", "--subject", subject, "--role", role])
            #expect(try await mint.waitForExit() == 0)
            return try #require(mint.output.first)
        }
        let ring = try TokenKeyRing(jwks: try Data(contentsOf: URL(fileURLWithPath: "\(directory)/jwks.json")))
        #expect(ring.keys.count == 2)
        let verifier = TokenVerifier(ring: ring, issuer: "support-platform", audience: "support")
        #expect(try verifier.verify(try await mint("identity-provider", "agent-7", "agent")).role == .agent)
        #expect(try verifier.verify(try await mint("orders", "orders", "service")).subject == "orders")
        let stolen = try await mint("orders", "audit-1", "auditor")
        #expect(throws: TokenError.self) { try verifier.verify(stolen) }
        let impersonated = try await mint("identity-provider", "orders", "service")
        #expect(throws: TokenError.self) { try verifier.verify(impersonated) }
    }
}
