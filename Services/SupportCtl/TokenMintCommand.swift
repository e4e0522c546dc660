import ArgumentParser
import Crypto
import Foundation
import Runtime

/// `supportctl token mint`: a bearer token for a subject in a role.
struct TokenMintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint",
        abstract: "Print a bearer token (ES256 JWT) for a subject acting in a role.")

    @Option(help: "PEM private key (token-signing.pem from `supportctl token keygen`; SUPPORT_TOKEN_SIGNING_KEY).")
    var key: String?

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
        guard let path = key ?? ProcessInfo.processInfo.environment["SUPPORT_TOKEN_SIGNING_KEY"] else {
            throw ValidationError("--key is required (or set SUPPORT_TOKEN_SIGNING_KEY)")
        }
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let privateKey = try? P256.Signing.PrivateKey(pemRepresentation: pem)
        else { throw ValidationError("\(path) is not a readable PEM P-256 private key") }
        let minter = TokenMinter(key: privateKey, issuer: issuer, audience: audience)
        print(try minter.mint(subject: subject, role: role, lifetime: Double(ttl)))
    }
}
