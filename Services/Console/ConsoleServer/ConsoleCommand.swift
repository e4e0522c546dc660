import ArgumentParser
import ConsoleWeb
import Crypto
import Foundation
import HTTP2
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Runtime
import ServiceLifecycle

/// `console`: the oversight web console (`console --help` lists its settings). Serves the oversight console over HTTP/1.1. Each flag falls back to the
/// environment variable its help names.
@main
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The oversight web console: pages built from the services' RPCs with the viewer's own token.")

    @Option(help: "Address to listen on (SUPPORT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (SUPPORT_PORT). Required.")
    var port: Int?

    @Option(
        parsing: .singleValue,
        help: "A service as name=host:port: oversight, orders, returns, refunds, inquiries; repeatable (SUPPORT_PEERS)."
    )
    var peer: [String] = []

    /// `--token-keys`, `--token-public-key`, `--token-issuer`, `--token-audience`,
    /// `--token-max-lifetime` (at most a day here: also the session's), as every service takes them.
    @OptionGroup var token: TokenOptions

    @Flag(help: "Mark cookies Secure: set when browsers reach the console over TLS (SUPPORT_SECURE_COOKIES=1).")
    var secureCookies = false

    @Flag(help: "Offer the development sign-in, minting tokens with --dev-sign-in-key. Never in production.")
    var devSignIn = false

    @Option(help: "The PEM key the development sign-in signs with (default data/keys/identity-provider.pem).")
    var devSignInKey = "data/keys/identity-provider.pem"

    /// `--tls-ca`, `--tls-cert`, `--tls-key`: TLS (mTLS with a certificate) to the services; plaintext
    /// h2c without a CA.
    @OptionGroup var tls: PeerTLSOptions

    @Option(
        help:
            "Seconds a browser connection may stay idle or leave a request unfinished before it is closed (SUPPORT_IDLE_TIMEOUT; default 30)."
    )
    var idleTimeout: Int?

    @Option(
        help:
            "Most browser connections open at once; further ones wait in the listen queue (SUPPORT_MAX_CONNECTIONS; default 512)."
    )
    var maxConnections: Int?

    @Option(help: "Soft limit on open files the console raises itself to (SUPPORT_MAX_OPEN_FILES; default 4096).")
    var maxOpenFiles: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let host = value(self.host, "SUPPORT_HOST") ?? "127.0.0.1"
        guard let portText = port.map(String.init) ?? value(nil, "SUPPORT_PORT"), let port = Int(portText),
            (0...65_535).contains(port)
        else { throw ValidationError("--port is required: a port from 1 to 65535, or 0 for any free port") }
        let peerList =
            peer.isEmpty ? (environment["SUPPORT_PEERS"] ?? "").split(separator: ",").map(String.init) : peer
        var addresses: [String: String] = [:]
        for entry in peerList where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ConsolePeers.names.contains(parts[0]), let colon = parts[1].lastIndex(of: ":"),
                let peerPort = Int(parts[1][parts[1].index(after: colon)...]), (1...65_535).contains(peerPort)
            else {
                throw ValidationError(
                    "--peer '\(entry)' is not name=host:port with name one of \(ConsolePeers.names.joined(separator: ", "))"
                )
            }
            addresses[parts[0]] = parts[1]
        }
        let tokens: TokenSettings
        do {
            tokens = try TokenSettings(options: token, environment: environment, lifetimes: Self.lifetimes)
        } catch {
            throw ValidationError(error.description)
        }
        let (issuer, audience, lifetime) = (tokens.issuer, tokens.audience, tokens.maximumLifetime)
        let secure = secureCookies || environment["SUPPORT_SECURE_COOKIES"] == "1"
        let idleText = idleTimeout.map(String.init) ?? value(nil, "SUPPORT_IDLE_TIMEOUT") ?? "30"
        guard let idleSeconds = Int(idleText), (1...3_600).contains(idleSeconds) else {
            throw ValidationError("--idle-timeout must be 1 to 3600 seconds")
        }
        let connectionsText = maxConnections.map(String.init) ?? value(nil, "SUPPORT_MAX_CONNECTIONS") ?? "512"
        guard let wantedConnections = Int(connectionsText), (1...100_000).contains(wantedConnections) else {
            throw ValidationError("--max-connections must be 1 to 100000")
        }
        let filesText = maxOpenFiles.map(String.init) ?? value(nil, "SUPPORT_MAX_OPEN_FILES") ?? "4096"
        guard let openFiles = Int(filesText), (64...1_048_576).contains(openFiles) else {
            throw ValidationError("--max-open-files must be 64 to 1048576")
        }
        let connectionLimit = FileDescriptorLimit.connections(
            wanted: wantedConnections, softLimit: FileDescriptorLimit.raise(to: openFiles))

        let (keys, keysFile) = try Self.keys(file: tokens.keys, publicKey: tokens.publicKey)
        let verifier = TokenVerifier(keys: keys, issuer: issuer, audience: audience, maximumLifetime: lifetime)
        var clientConfiguration = ClientConfiguration(connectTimeout: .seconds(3))
        clientConfiguration.tls = PeerTLSFiles(options: tls, environment: environment).clientTLS
        let peers = try ConsolePeers(addresses: addresses, configuration: clientConfiguration)
        let signIn =
            devSignIn
            ? try DevSignIn(keyFile: devSignInKey, issuer: issuer, audience: audience, lifetime: min(lifetime, 3_600))
            : nil
        let console = Console(
            peers: peers, verifier: verifier, cookies: SessionCookies(secure: secure), devSignIn: signIn,
            sessionLifetime: lifetime)

        var logger = Logger(label: "console")
        logger.logLevel = .notice
        var app = Application(
            router: console.router(),
            server: .http1(configuration: ConsoleHTTP.configuration(idleTimeout: .seconds(Int64(idleSeconds)))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: nil, backlog: ConsoleHTTP.backlog,
                availableConnectionsDelegate: MaximumAvailableConnections(connectionLimit, logger: logger)),
            onServerRunning: { channel in
                print("console listening on port \(channel.localAddress?.port ?? port)")
                fflush(nil)
            },
            logger: logger)
        if let keysFile { app.addServices(KeyReloadService(file: keysFile, logger: logger)) }
        if signIn != nil {
            logger.warning("development sign-in is on: anyone reaching this port can sign in as anyone")
        }
        try await app.runService()
    }

    /// The token lifetimes the console accepts: a minute to a day, since a session lasts as long.
    static let lifetimes = 60...86_400

    /// The verifying keys: the JWKS file (reloaded while running) and the single public key.
    static func keys(file: String?, publicKey: String?) throws -> (KeyRingSource, KeyRingFile?) {
        var extra: [TokenKey] = []
        if let publicKey {
            guard let pem = try? String(contentsOfFile: publicKey, encoding: .utf8),
                let key = try? P256.Signing.PublicKey(pemRepresentation: pem)
            else { throw ValidationError("--token-public-key: '\(publicKey)' is not a readable PEM P-256 public key") }
            extra.append(TokenKey(publicKey: key))
        }
        guard let file else {
            guard !extra.isEmpty else {
                throw ValidationError("--token-keys (or --token-public-key) is required: the keys that verify sign-ins")
            }
            return (KeyRingSource(TokenKeyRing(keys: extra)), nil)
        }
        do {
            let ring = try KeyRingFile(path: file, extra: extra)
            return (ring.source, ring)
        } catch {
            throw ValidationError("--token-keys: \(error.description)")
        }
    }
}
