import ArgumentParser
import HTTP2

/// One service's validated configuration, from command-line flags with environment-variable
/// fallbacks. Only `--port` and `--data-dir` are required; peers may be absent or down (calls that
/// need them fail UNAVAILABLE until they are up).
public struct ServiceConfiguration: Sendable, Equatable {
    /// Log levels, as swift-log names them.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Address to listen on.
    public var host: String
    /// Port to listen on (0: any free port, as tests use).
    public var port: Int
    /// Directory of the service's database.
    public var dataDirectory: String
    /// Peer services by name, each as "host:port".
    public var peers: [String: String]
    /// TLS certificate chain and key, if TLS is on.
    public var tlsCertificate: String?
    /// TLS private key.
    public var tlsKey: String?
    /// CA bundle for client certificates (mTLS), if required.
    public var tlsCA: String?
    /// PEM public key verifying tokens.
    public var tokenPublicKey: String?
    /// PEM private key signing the service's tokens for its peers.
    public var tokenSigningKey: String?
    /// Expected token issuer.
    public var tokenIssuer: String
    /// Expected token audience.
    public var tokenAudience: String
    /// Log level.
    public var logLevel: String
    /// How long calls in flight may take to finish once shutdown begins.
    public var gracePeriod: Duration
    /// The port of the Prometheus metrics endpoint, if it is on.
    public var metricsPort: Int?
    /// Deadlines longer than this are shortened to it (`--max-deadline`).
    public var maximumDeadline: Duration = .seconds(3_600)
    /// What a peer may cost the server: windows, buffers, connections, timeouts.
    public var connectionLimits = ConnectionLimits()
    /// The soft RLIMIT_NOFILE the process raises itself to (`--max-open-files`).
    public var maximumOpenFiles = 4_096

    /// Validates `options`, filling absent flags from `environment`.
    public init(options: ServiceOptions, environment: [String: String]) throws(ConfigurationError) {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        host = value(options.host, "SUPPORT_HOST") ?? "127.0.0.1"
        guard let portText = options.port.map(String.init) ?? value(nil, "SUPPORT_PORT") else {
            throw ConfigurationError(setting: "--port", problem: "is required (or set SUPPORT_PORT)")
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError(
                setting: "--port", problem: "'\(portText)' is not a port between 1 and 65535 (or 0 for any free port)")
        }
        self.port = port
        guard let dataDirectory = value(options.dataDir, "SUPPORT_DATA_DIR") else {
            throw ConfigurationError(setting: "--data-dir", problem: "is required (or set SUPPORT_DATA_DIR)")
        }
        self.dataDirectory = dataDirectory

        let peerList =
            options.peer.isEmpty
            ? (environment["SUPPORT_PEERS"] ?? "").split(separator: ",").map(String.init) : options.peer
        var peers: [String: String] = [:]
        for entry in peerList where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let colon = parts[1].lastIndex(of: ":"),
                let peerPort = Int(parts[1][parts[1].index(after: colon)...]), (1...65_535).contains(peerPort)
            else {
                throw ConfigurationError(setting: "--peer", problem: "'\(entry)' is not name=host:port")
            }
            peers[parts[0]] = parts[1]
        }
        self.peers = peers

        tlsCertificate = value(options.tlsCert, "SUPPORT_TLS_CERT")
        tlsKey = value(options.tlsKey, "SUPPORT_TLS_KEY")
        tlsCA = value(options.tlsCa, "SUPPORT_TLS_CA")
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ConfigurationError(setting: "--tls-cert", problem: "TLS needs both --tls-cert and --tls-key")
        }
        if tlsCA != nil, tlsCertificate == nil {
            throw ConfigurationError(setting: "--tls-ca", problem: "requiring client certificates needs TLS on")
        }
        tokenPublicKey = value(options.tokenPublicKey, "SUPPORT_TOKEN_PUBLIC_KEY")
        tokenSigningKey = value(options.tokenSigningKey, "SUPPORT_TOKEN_SIGNING_KEY")
        tokenIssuer = value(options.tokenIssuer, "SUPPORT_TOKEN_ISSUER") ?? "support-platform"
        tokenAudience = value(options.tokenAudience, "SUPPORT_TOKEN_AUDIENCE") ?? "support"
        let level = value(options.logLevel, "SUPPORT_LOG_LEVEL") ?? "info"
        guard Self.logLevels.contains(level) else {
            throw ConfigurationError(
                setting: "--log-level", problem: "'\(level)' is not one of \(Self.logLevels.joined(separator: ", "))")
        }
        logLevel = level
        let graceText = options.gracePeriod.map(String.init) ?? value(nil, "SUPPORT_GRACE_PERIOD") ?? "10"
        guard let grace = Int(graceText), (0...3_600).contains(grace) else {
            throw ConfigurationError(
                setting: "--grace-period", problem: "'\(graceText)' is not a number of seconds between 0 and 3600")
        }
        gracePeriod = .seconds(grace)
        if let metricsText = options.metricsPort.map(String.init) ?? value(nil, "SUPPORT_METRICS_PORT") {
            guard let metrics = Int(metricsText), (0...65_535).contains(metrics) else {
                throw ConfigurationError(
                    setting: "--metrics-port", problem: "'\(metricsText)' is not a port between 0 and 65535")
            }
            metricsPort = metrics
        }
        try readTransportLimits(options: options, environment: environment)
    }

    /// The `--help` text listing every setting.
    public static var helpText: String { ServiceOptions.helpMessage() }

    /// Parses `arguments` (without the program name) with `environment` fallbacks. Unknown
    /// flags and malformed values become a ``ConfigurationError`` too.
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> ServiceConfiguration
    {
        let options: ServiceOptions
        do {
            options = try ServiceOptions.parse(arguments)
        } catch {
            throw ConfigurationError(setting: "arguments", problem: ServiceOptions.message(for: error))
        }
        return try ServiceConfiguration(options: options, environment: environment)
    }
}
