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
}
