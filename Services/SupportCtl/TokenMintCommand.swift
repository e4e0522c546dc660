import ArgumentParser
import Crypto
import Foundation
import Runtime

/// `supportctl token mint`: a bearer token for a subject in a role.
struct TokenMintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint",
        abstract: "Print a bearer token (ES256 JWT) for a subject acting in a role.")

    @Option(
        help:
            "PEM private key from `supportctl token keygen` (SUPPORT_TOKEN_SIGNING_KEY; default data/keys/identity-provider.pem)."
    )
    var key: String?

    @Option(help: "The key's kid in the services' key set (default the key's RFC 7638 thumbprint).")
    var keyId: String?

    @Option(help: "Who the token names: a customer id, a staff id or a service name.")
    var subject: String

    @Option(help: "customer, agent, service or auditor.")
    var role: String

    @Option(help: "Lifetime in seconds.")
    var ttl: Int = 3_600

    @Option(help: "Issuer claim (must match the services' --token-issuer).")
    var issuer = "support-platform"

    @Option(help: "Audience claim (must match the services' --token-audience).")
    var audience = "support"

    func run() throws {
        guard let role = Role(rawValue: role) else {
            throw ValidationError("--role must be one of customer, agent, service, auditor")
        }
        guard ttl > 0 else { throw ValidationError("--ttl must be positive") }
        let path =
            key ?? ProcessInfo.processInfo.environment["SUPPORT_TOKEN_SIGNING_KEY"] ?? "data/keys/identity-provider.pem"
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let privateKey = try? P256.Signing.PrivateKey(pemRepresentation: pem)
        else { throw ValidationError("\(path) is not a readable PEM P-256 private key") }
        let minter = TokenMinter(key: privateKey, keyID: keyId, issuer: issuer, audience: audience)
        print(try minter.mint(subject: subject, role: role, lifetime: Double(ttl)))
    }
}
