import CommonAPI
import Crypto
import Foundation
import GRPCServices
import HTTP2
import Logging
import Metrics
import Outbox
import Prometheus
import RPC
import ServiceLifecycle
import Storage
import UnixSignals
import Wire

/// One service as a process: its configuration, logger, peers and database, and the run loop that
/// serves its RPCs (with health, reflection, authentication, logs, metrics and trace context) and
/// relays its outbox until SIGTERM or SIGINT, then drains and exits cleanly. A service's `main`
/// is only its domain wiring:
///
/// ```swift
/// let process = ServiceProcess.fromCommandLine(name: "orders")
/// let database = try await process.openDatabase(schema: OrdersService.schema)
/// try await process.run(services: [OrdersService(...)], files: [.supportOrdersV1Orders], policy: ...)
/// ```
public struct ServiceProcess: Sendable {
    /// The service's name: its database file, log label, token subject and outbox source.
    public let name: String
    /// The validated configuration.
    public let configuration: ServiceConfiguration
    /// The process's logger.
    public let logger: Logger
    private let credentials: ServiceCredentialsInterceptor?
    private let verifier: TokenVerifier?
    /// The keys this process trusts (`--token-keys` and `--token-public-key`), if any; re-read
    /// from `--token-keys` when the file changes.
    public let keys: KeyRingSource?
    private let keysFile: KeyRingFile?
    /// This service's own private key (`--token-signing-key`), if any.
    public let signingKey: SigningKey?
    private let database = DatabaseHolder()
    /// Where the process's metrics are collected (served at /metrics with `--metrics-port`).
    public let metrics: PrometheusCollectorRegistry

    /// A process for `name` with `configuration`; throws a ``ConfigurationError`` naming the
    /// setting when a key file cannot be read.
    public init(
        name: String, configuration: ServiceConfiguration, logger: Logger,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) throws(ConfigurationError) {
        self.name = name
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
        if configuration.developmentClockOffset != 0 {
            logger.warning(
                "development clock offset: the service's clock is shifted; never use --dev-clock-offset in a deployment",
                metadata: ["dev_clock_offset_seconds": "\(configuration.developmentClockOffset)"])
        }
        (keys, keysFile) = try Self.keys(configuration)
        verifier = keys.map {
            TokenVerifier(
                keys: $0, issuer: configuration.tokenIssuer, audience: configuration.tokenAudience,
                maximumLifetime: configuration.tokenMaximumLifetime)
        }
        if let path = configuration.tokenSigningKey {
            let key = try Self.readKey(path, setting: "--token-signing-key") {
                try P256.Signing.PrivateKey(pemRepresentation: $0)
            }
            signingKey = SigningKey(key: key, keyID: configuration.tokenKeyID)
            let minter = TokenMinter(
                key: key, keyID: configuration.tokenKeyID, issuer: configuration.tokenIssuer,
                audience: configuration.tokenAudience)
            credentials = ServiceCredentialsInterceptor(
                minter: minter, subject: name, lifetime: Double(min(300, configuration.tokenMaximumLifetime)))
        } else {
            signingKey = nil
            credentials = nil
        }
    }

    /// The process for `name` configured from its command line and environment, with JSON logs on
    /// standard error. `--help` prints every setting and exits 0; an invalid setting prints one line
    /// naming it and exits 64 (EX_USAGE).
    public static func fromCommandLine(
        name: String, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ServiceProcess {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("usage: \(name) --port N --data-dir DIR [options]\n\n\(ServiceConfiguration.helpText)")
            exit(0)
        }
        do {
            let configuration = try ServiceConfiguration.load(arguments: arguments, environment: environment)
            let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
            LoggingSystem.bootstrap { _ in JSONLogHandler(service: name, level: level) }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            return try ServiceProcess(
                name: name, configuration: configuration, logger: Logger(label: name), metrics: registry)
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error.description)\n".utf8))
            exit(64)
        }
    }

    /// The clock to hand to the service: the real time shifted by `--dev-clock-offset` (development
    /// only; 0 otherwise). Tokens are verified against the real time, not this clock.
    public var clock: @Sendable () -> Date {
        let offset = TimeInterval(configuration.developmentClockOffset)
        return { Date().addingTimeInterval(offset) }
    }

    /// Opens the service's database, running `schema` (written for both backends) after the
    /// runtime's own: PostgreSQL when `--database-url` is set (its password never logged), else
    /// SQLite (`<data-dir>/<name>.sqlite`, locked against a second process: ``DatabaseFileLock``).
    /// It is closed when ``run(services:files:policy:relays:)`` ends.
    public func openDatabase(schema: [SchemaMigration]) async throws -> ServiceDatabase {
        let opened: ServiceDatabase
        if let url = configuration.databaseURL {
            logger.info("using PostgreSQL", metadata: ["database": "\(url)"])
            opened = try await ServiceDatabase(
                postgres: PostgresBackend(url: url, logger: Logger(label: "\(name).postgres")), schema: schema)
        } else {
            try DatabaseFileLock.acquire(directory: configuration.dataDirectory, name: name)
            if !SQLiteSettings.memoryStatisticsAreOff {
                logger.warning("SQLite refused to turn its memory statistics off: every allocation takes a global lock")
            }
            opened = try ServiceDatabase(
                directory: configuration.dataDirectory, name: name, schema: schema,
                readCacheBudget: configuration.readCacheBytes)
        }
        database.set(opened)
        return opened
    }

    /// A client of the peer service `peer` (as named by `--peer`): its calls carry this service's
    /// token and the current trace. A peer that is not configured fails every call UNAVAILABLE.
    public func client(for peer: String) -> RPCClient {
        var interceptors: [any ClientInterceptor] = [TracePropagationInterceptor()]
        if let credentials { interceptors.append(credentials) }
        guard let address = configuration.peers[peer] else {
            return RPCClient(transport: UnavailablePeerTransport(peer: peer), interceptors: interceptors)
        }
        var clientConfiguration = ClientConfiguration()
        if let trustRoots = configuration.tlsCA {
            clientConfiguration.tls = TLSConfiguration(
                certificateChainFile: configuration.tlsCertificate, privateKeyFile: configuration.tlsKey,
                trustRootsFile: trustRoots)
        }
        do {
            let transport = try HTTP2ClientTransport(targets: [address], configuration: clientConfiguration)
            return RPCClient(transport: transport, interceptors: interceptors)
        } catch {
            logger.error("peer unusable", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return RPCClient(transport: UnavailablePeerTransport(peer: peer), interceptors: interceptors)
        }
    }

    /// Serves `services` (described for reflection by `files`, imports included) under `policy`
    /// and runs `relays` and `background` loops (each until shutdown, with the hourly pruning of
    /// idempotency records and delivered outbox events past their retention), until SIGTERM or SIGINT;
    /// then reports NOT_SERVING, sends GOAWAY, lets calls in flight finish within the grace
    /// period, stops the relays and loops and closes the database.
    /// Once listening it prints "<name> listening on port N" on standard output (scripts and tests
    /// wait for that line). First it sets the allocator's ``HeapTrimThreshold``.
    public func run(
        services: [any RegistrableService], files: [ProtoFile], policy: AccessPolicy, relays: [OutboxRelay] = [],
        background: [BackgroundLoop] = []
    ) async throws {
        if HeapTrimThreshold.apply(environment: ProcessInfo.processInfo.environment) == .refused {
            logger.warning("glibc refused the heap trim threshold; the allocator keeps its default")
        }
        if verifier == nil {
            logger.warning("no --token-keys: every call that needs a token will be UNAUTHENTICATED")
        }
        if let signingKey, let keys, !keys.ring.keys.contains(where: { $0.keyID == signingKey.keyID }) {
            logger.warning(
                "this service's own key is not in the key set: peers trusting the same set will refuse its calls",
                metadata: ["kid": "\(signingKey.keyID)"])
        }
        var services = services
        var policy = policy
        var files = files
        if let opened = database.current {
            services.append(AuditCheckpointService(name: name, database: opened))
            policy = policy.adding(AuditCheckpointService.rules)
            files.append(.supportCommonV1AuditCheckpoint)
        }
        // Authentication is the router's admission: the transport runs it on HEADERS, before
        // accepting any request body.
        let observability = ObservabilityInterceptor(logger: logger)
        let authentication = AuthenticationInterceptor(verifier: verifier, policy: policy)
        var router = Router(services: services)
            .intercepted(by: [observability])
            .admitting(by: ObservedAdmission(authentication, observer: observability))
        let health = HealthService(services: Array(router.serviceNames))
        router.addStandardServices(health: health, files: files)
        var serverConfiguration = ServerConfiguration(
            host: configuration.host, port: configuration.port, maximumDeadline: configuration.maximumDeadline,
            limits: transportLimits(), busyPoll: configuration.busyPoll)
        if let busyPoll = configuration.busyPoll {
            let microseconds =
                busyPoll.components.seconds * 1_000_000 + busyPoll.components.attoseconds / 1_000_000_000_000
            logger.notice("busy-polling after each read", metadata: ["window_us": "\(microseconds)"])
        }
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            serverConfiguration.tls = TLSConfiguration(
                certificateChainFile: certificate, privateKeyFile: key, trustRootsFile: configuration.tlsCA)
        }
        let server = ServerLifecycleService(
            server: HTTP2Server(configuration: serverConfiguration, router: router), health: health,
            gracePeriod: configuration.gracePeriod, logger: logger,
            onListening: { [name] port in
                print("\(name) listening on port \(port)")
                fflush(nil)
            })
        var members = relays.map {
            ServiceGroupConfiguration.ServiceConfiguration(service: OutboxRelayService(relay: $0))
        }
        members += background.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let opened = database.current, opened.dialect == .postgres {
            let monitor = DatabaseHealthMonitor(database: opened, health: health, logger: logger)
            members.append(
                .init(service: BackgroundLoop("database-health", every: .seconds(2)) { await monitor.check() }))
        }
        if let opened = database.current {
            let retention = StorageRetention(
                idempotency: configuration.idempotencyRetention,
                deliveredOutbox: configuration.deliveredOutboxRetention)
            // One replica prunes (the holder of the lease, renewed each hour); another takes over
            // when it has not renewed for two hours.
            let pruning = BackgroundLoop("storage-retention", every: .seconds(3_600)) {
                try await retention.pruneIfHolding(opened, holder: OutboxRelay.processHolder, now: Date())
            }
            members.append(.init(service: pruning))
        }
        if let keysFile {
            members.append(.init(service: reloading(keysFile)))
        }
        if let metricsPort = configuration.metricsPort {
            let endpoint = MetricsEndpoint(registry: metrics, host: configuration.host, port: metricsPort)
            members.append(.init(service: MetricsLifecycleService(endpoint: endpoint, name: name, logger: logger)))
        }
        members.append(.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        defer {
            database.close()
            logger.notice("stopped")
        }
        try await group.run()
    }

    /// The configured connection limits, with the connection limit kept below the open-file limit
    /// the process could raise itself to.
    private func transportLimits() -> ConnectionLimits {
        var limits = configuration.connectionLimits
        let openFiles = FileDescriptorLimit.raise(to: configuration.maximumOpenFiles)
        let connections = FileDescriptorLimit.connections(wanted: limits.maximumConnections, softLimit: openFiles)
        if connections < limits.maximumConnections {
            logger.warning(
                "connection limit lowered to fit the open-file limit",
                metadata: ["open-files": "\(openFiles)", "max-connections": "\(connections)"])
            limits.maximumConnections = connections
        }
        return limits
    }

    /// Runs the process's `body` (open the database, run); if it fails (the database cannot be
    /// opened, the port is taken) logs why and exits 1, so that a supervisor restarts it.
    public func main(_ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.critical("\(name) stopped", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            exit(1)
        }
    }

    /// A loop re-reading `file` every `--token-keys-reload` seconds; a changed key set applies to
    /// the next call, an invalid one is logged and the keys in use are kept.
    private func reloading(_ file: KeyRingFile) -> BackgroundLoop {
        BackgroundLoop("token-keys", every: .seconds(configuration.tokenKeysReloadSeconds)) { [logger] in
            do {
                if try file.reload() {
                    logger.notice(
                        "token keys reloaded",
                        metadata: ["file": "\(file.path)", "kids": "\(file.source.ring.keys.map(\.keyID))"])
                }
            } catch {
                logger.error(
                    "token keys not reloaded; the keys in use are kept",
                    metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
    }

    /// The keys of `--token-keys` (with its reloadable file) and `--token-public-key` together;
    /// nil when neither is set.
    private static func keys(_ configuration: ServiceConfiguration) throws(ConfigurationError) -> (
        KeyRingSource?, KeyRingFile?
    ) {
        var extra: [TokenKey] = []
        if let path = configuration.tokenPublicKey {
            extra.append(
                TokenKey(
                    publicKey: try readKey(path, setting: "--token-public-key") {
                        try P256.Signing.PublicKey(pemRepresentation: $0)
                    }))
        }
        guard let path = configuration.tokenKeys else {
            return (extra.isEmpty ? nil : KeyRingSource(TokenKeyRing(keys: extra)), nil)
        }
        do {
            let file = try KeyRingFile(path: path, extra: extra)
            return (file.source, file)
        } catch {
            throw ConfigurationError(setting: "--token-keys", problem: error.description)
        }
    }

    private static func readKey<Key>(
        _ path: String, setting: String, parse: (String) throws -> Key
    ) throws(ConfigurationError) -> Key {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(setting: setting, problem: "cannot read '\(path)'")
        }
        do {
            return try parse(pem)
        } catch {
            throw ConfigurationError(setting: setting, problem: "'\(path)' is not a PEM P-256 key")
        }
    }
}
