import ArgumentParser
import HTTP2
import Storage

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
    /// JWKS file of the keys verifying tokens.
    public var tokenKeys: String?
    /// One PEM public key verifying tokens, trusted for every subject and role.
    public var tokenPublicKey: String?
    /// The service's own PEM private key, signing its tokens for its peers (and Oversight's
    /// checkpoints).
    public var tokenSigningKey: String?
    /// The signing key's kid (nil: its thumbprint).
    public var tokenKeyID: String?
    /// Seconds between checks of the key set file for changes.
    public var tokenKeysReloadSeconds: Int
    /// The longest token lifetime accepted, in seconds.
    public var tokenMaximumLifetime: Int
    /// Oversight: events between signed checkpoints.
    public var checkpointEvery: Int
    /// Oversight: seconds after which a new checkpoint is signed.
    public var checkpointSeconds: Int
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
    /// How long idempotency records are kept before they are pruned (7 days).
    public var idempotencyRetention: Duration = .seconds(7 * 86_400)
    /// How long delivered outbox events are kept before they are pruned (1 day).
    public var deliveredOutboxRetention: Duration = .seconds(86_400)
    /// Deadlines longer than this are shortened to it (`--max-deadline`).
    public var maximumDeadline: Duration = .seconds(3_600)
    /// What a peer may cost the server: windows, buffers, connections, timeouts.
    public var connectionLimits = ConnectionLimits()
    /// The soft RLIMIT_NOFILE the process raises itself to (`--max-open-files`).
    public var maximumOpenFiles = 4_096
    /// How long the server keeps its cores from idling after a read (`--busy-poll-us`;
    /// ``HTTP2/ServerConfiguration/busyPoll``); nil is off.
    public var busyPoll: Duration?
    /// The PostgreSQL database (`--database-url`); nil: SQLite under ``dataDirectory``.
    public var databaseURL: DatabaseURL?
    /// Bytes a service's repeated reads may keep, by estimate (`--read-cache-mib`;
    /// ``Storage/ServiceDatabase/readCacheBudget``).
    public var readCacheBytes = 4 << 20
    /// Development only (`--dev-clock-offset`): seconds added to the clock handed to the service
    /// (negative: the past), never to the token verifier's; 0 in every deployment.
    public var developmentClockOffset = 0

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
        let databaseURL = try Self.databaseURL(options: options, environment: environment)
        self.databaseURL = databaseURL
        guard let dataDirectory = value(options.dataDir, "SUPPORT_DATA_DIR") ?? (databaseURL == nil ? nil : ".")
        else {
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

        let tls = PeerTLSFiles(options: options.tls, environment: environment)
        tlsCertificate = tls.certificate
        tlsKey = tls.key
        tlsCA = tls.trustRoots
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ConfigurationError(setting: "--tls-cert", problem: "TLS needs both --tls-cert and --tls-key")
        }
        if tlsCA != nil, tlsCertificate == nil {
            throw ConfigurationError(setting: "--tls-ca", problem: "requiring client certificates needs TLS on")
        }
        let token = try TokenSettings(options: options.token, environment: environment)
        tokenKeys = token.keys
        tokenPublicKey = token.publicKey
        tokenSigningKey = value(options.tokenSigningKey, "SUPPORT_TOKEN_SIGNING_KEY")
        tokenKeyID = value(options.tokenKeyId, "SUPPORT_TOKEN_KEY_ID")
        tokenKeysReloadSeconds = try Self.number(
            options.tokenKeysReload, value(nil, "SUPPORT_TOKEN_KEYS_RELOAD"), default: 10, range: 1...3_600,
            setting: "--token-keys-reload", unit: "seconds")
        tokenMaximumLifetime = token.maximumLifetime
        checkpointEvery = try Self.number(
            options.checkpointEvery, value(nil, "SUPPORT_CHECKPOINT_EVERY"), default: 100, range: 1...1_000_000,
            setting: "--checkpoint-every", unit: "events")
        checkpointSeconds = try Self.number(
            options.checkpointSeconds, value(nil, "SUPPORT_CHECKPOINT_SECONDS"), default: 60, range: 1...86_400,
            setting: "--checkpoint-seconds", unit: "seconds")
        tokenIssuer = token.issuer
        tokenAudience = token.audience
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
        idempotencyRetention = try Self.hours(
            options.idempotencyRetentionHours.map(String.init) ?? value(nil, "SUPPORT_IDEMPOTENCY_RETENTION_HOURS"),
            default: 168, setting: "--idempotency-retention-hours")
        deliveredOutboxRetention = try Self.hours(
            options.outboxRetentionHours.map(String.init) ?? value(nil, "SUPPORT_OUTBOX_RETENTION_HOURS"),
            default: 24, setting: "--outbox-retention-hours")
        try readTransportLimits(options: options, environment: environment)
        readCacheBytes =
            try Self.number(
                options.readCacheMib, value(nil, "SUPPORT_READ_CACHE_MIB"), default: 4, range: 0...256,
                setting: "--read-cache-mib", unit: "MiB") << 20
        developmentClockOffset = try Self.number(
            options.devClockOffset, nil, default: 0, range: -Self.maximumClockOffset...Self.maximumClockOffset,
            setting: "--dev-clock-offset", unit: "seconds")
    }

    /// The largest `--dev-clock-offset` either way: a year.
    public static let maximumClockOffset = 366 * 86_400

    /// A retention given in hours: 1 to 8760 (a year).
    private static func hours(_ text: String?, default fallback: Int, setting: String) throws(ConfigurationError)
        -> Duration
    {
        guard let text else { return .seconds(fallback * 3_600) }
        guard let hours = Int(text), (1...8_760).contains(hours) else {
            throw ConfigurationError(setting: setting, problem: "'\(text)' is not a number of hours between 1 and 8760")
        }
        return .seconds(hours * 3_600)
    }

    /// A whole number from a flag or its environment variable, within `range`.
    private static func number(
        _ flag: Int?, _ variable: String?, default defaultValue: Int, range: ClosedRange<Int>, setting: String,
        unit: String
    ) throws(ConfigurationError) -> Int {
        let text = flag.map(String.init) ?? variable ?? String(defaultValue)
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(
                setting: setting,
                problem: "'\(text)' is not a number of \(unit) between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
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
