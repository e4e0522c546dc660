import ArgumentParser
import Crypto
import Foundation
import HTTP2
import RPC
import Runtime

/// How supportctl reaches the services and who it calls as; shared by every command.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Host of the services (the ports are 50051-50055, as `make run` starts them).")
    var host = "127.0.0.1"

    @Option(
        name: .customLong("address"),
        help: "A service's address as name=host:port (orders, returns, refunds, inquiries, oversight); repeatable.")
    var addresses: [String] = []

    @Option(
        name: .customLong("as"),
        help: "Call as SUBJECT:ROLE (role: customer, agent, service, auditor), minting a token.")
    var identity: String?

    @Option(
        help: "PEM signing key used with --as (default data/keys/identity-provider.pem, or SUPPORT_TOKEN_SIGNING_KEY).")
    var key: String?

    @Option(help: "A bearer token to send instead of --as.")
    var token: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    static let defaultPorts = [
        "orders": 50051, "returns": 50052, "refunds": 50053, "inquiries": 50054, "oversight": 50055,
    ]

    /// The address of `service`.
    func address(of service: String) throws -> String {
        for entry in addresses {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == service { return parts[1] }
        }
        guard let port = Self.defaultPorts[service] else { throw ValidationError("unknown service '\(service)'") }
        return "\(host):\(port)"
    }

    /// A client of `service` carrying the caller's token (if any).
    func client(for service: String) throws -> RPCClient {
        let transport = try HTTP2ClientTransport(
            targets: [try address(of: service)], configuration: ClientConfiguration(connectTimeout: .seconds(3)))
        var interceptors: [any ClientInterceptor] = []
        if let bearer = try bearerToken() { interceptors.append(BearerTokenInterceptor(token: bearer)) }
        return RPCClient(transport: transport, interceptors: interceptors)
    }

    /// The token to send: --token, or one minted for --as.
    func bearerToken() throws -> String? {
        if let token { return token }
        guard let identity else { return nil }
        let parts = identity.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let role = Role(rawValue: parts[1]) else {
            throw ValidationError("--as must be SUBJECT:ROLE with role customer, agent, service or auditor")
        }
        let path =
            key ?? ProcessInfo.processInfo.environment["SUPPORT_TOKEN_SIGNING_KEY"] ?? "data/keys/identity-provider.pem"
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let signingKey = try? P256.Signing.PrivateKey(pemRepresentation: pem)
        else { throw ValidationError("cannot read the signing key '\(path)' (pass --key, or --token)") }
        return try TokenMinter(key: signingKey, issuer: "support-platform", audience: "support").mint(
            subject: parts[0], role: role, lifetime: 600)
    }
}
