import ArgumentParser

/// The command-line flags every service accepts (`--help` lists them). Each falls back to an
/// environment variable, named in its help, when the flag is absent.
public struct ServiceOptions: ParsableArguments {
    @Option(help: "Address to listen on (SUPPORT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (SUPPORT_PORT). Required.")
    var port: Int?

    @Option(help: "Directory for the service's SQLite database (SUPPORT_DATA_DIR). Required.")
    var dataDir: String?

    @Option(
        parsing: .singleValue,
        help: "A peer service as name=host:port, repeatable (SUPPORT_PEERS: comma-separated).")
    var peer: [String] = []

    /// `--tls-cert`, `--tls-key`, `--tls-ca`: served to clients and presented to peers.
    @OptionGroup var tls: PeerTLSOptions

    /// `--token-keys`, `--token-public-key`, `--token-issuer`, `--token-audience`,
    /// `--token-max-lifetime`: which bearer tokens the service accepts.
    @OptionGroup var token: TokenOptions

    @Option(
        help: "Seconds between checks of --token-keys for a changed key set (SUPPORT_TOKEN_KEYS_RELOAD; default 10).")
    var tokenKeysReload: Int?

    @Option(
        help:
            "This service's own PEM private key: signs its service tokens to its peers (SUPPORT_TOKEN_SIGNING_KEY).")
    var tokenSigningKey: String?

    @Option(
        help: "The kid of --token-signing-key in the key set (SUPPORT_TOKEN_KEY_ID; default its RFC 7638 thumbprint).")
    var tokenKeyId: String?

    @Option(
        help:
            "Oversight only: sign a checkpoint of the audit log after this many events (SUPPORT_CHECKPOINT_EVERY; default 100)."
    )
    var checkpointEvery: Int?

    @Option(
        help:
            "Oversight only: sign a checkpoint when the last is older than this many seconds (SUPPORT_CHECKPOINT_SECONDS; default 60)."
    )
    var checkpointSeconds: Int?

    @Option(
        help: "Seconds that calls in flight may take to finish after SIGTERM (SUPPORT_GRACE_PERIOD; default 10).")
    var gracePeriod: Int?

    @Option(help: "Port serving Prometheus metrics at /metrics over HTTP/1.1 (SUPPORT_METRICS_PORT; off when unset).")
    var metricsPort: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (SUPPORT_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(
        help:
            "Hours an idempotency key's stored answer is kept; a retry after that runs again (SUPPORT_IDEMPOTENCY_RETENTION_HOURS; default 168)."
    )
    var idempotencyRetentionHours: Int?

    @Option(
        help: "Hours a delivered outbox event is kept before it is pruned (SUPPORT_OUTBOX_RETENTION_HOURS; default 24)."
    )
    var outboxRetentionHours: Int?

    // Transport limits (what a peer may cost; see README "Configuration").

    @Option(
        help: "Longest deadline in seconds; longer grpc-timeouts are shortened (SUPPORT_MAX_DEADLINE; default 3600).")
    var maxDeadline: Int?

    @Option(help: "Incoming connections open at once; more are closed (SUPPORT_MAX_CONNECTIONS; default 1024).")
    var maxConnections: Int?

    @Option(
        help: "Soft limit on open files the process raises itself to (SUPPORT_MAX_OPEN_FILES; default 4096).")
    var maxOpenFiles: Int?

    @Option(
        help: "MiB of request bytes all connections may buffer, at least 4 (SUPPORT_REQUEST_BUFFER_MIB; default 64).")
    var requestBufferMib: Int?

    @Option(
        help:
            "MiB of request bytes one connection may buffer, 4 to --request-buffer-mib (SUPPORT_CONNECTION_REQUEST_BUFFER_MIB; default 16)."
    )
    var connectionRequestBufferMib: Int?

    @Option(
        help:
            "MiB of unsent response bytes all connections may hold, at least 4 (SUPPORT_RESPONSE_BUFFER_MIB; default 64)."
    )
    var responseBufferMib: Int?

    @Option(
        help:
            "MiB of unsent response bytes one connection may hold, 4 to --response-buffer-mib (SUPPORT_CONNECTION_RESPONSE_BUFFER_MIB; default 16)."
    )
    var connectionResponseBufferMib: Int?

    @Option(
        help:
            "Seconds a response may wait on a peer's zero flow-control window before its stream is reset, 1 to 3600 (SUPPORT_BLOCKED_SEND_TIMEOUT; default 30)."
    )
    var blockedSendTimeout: Int?

    @Option(
        help:
            "Microseconds the server keeps its cores from idling after each read, 0 to 10000; lowers the latency of calls that follow each other within that window (one call in flight, back to back) on virtual machines, costs otherwise idle CPU that counts against a CPU quota (SUPPORT_BUSY_POLL_US; default 0, off)."
    )
    var busyPollUs: Int?

    @Option(help: "HTTP/2 initial stream window in KiB (SUPPORT_STREAM_WINDOW_KIB; default 64).")
    var streamWindowKib: Int?

    @Option(help: "HTTP/2 connection receive window in KiB (SUPPORT_CONNECTION_WINDOW_KIB; default 1024).")
    var connectionWindowKib: Int?

    @Option(help: "Seconds for the TLS handshake and HTTP/2 preface (SUPPORT_HANDSHAKE_TIMEOUT; default 10).")
    var handshakeTimeout: Int?

    @Option(help: "Seconds from the preface to the first call (SUPPORT_FIRST_HEADERS_TIMEOUT; default 20).")
    var firstHeadersTimeout: Int?

    @Option(
        help:
            "Seconds without calls before a connection gets GOAWAY; 0 never (SUPPORT_MAX_CONNECTION_IDLE; default 300)."
    )
    var maxConnectionIdle: Int?

    @Option(
        help: "Seconds before a connection gets GOAWAY at any rate; 0 never (SUPPORT_MAX_CONNECTION_AGE; default 1800)."
    )
    var maxConnectionAge: Int?

    @Option(
        help:
            "Seconds calls may finish after the age GOAWAY before the connection closes (SUPPORT_MAX_CONNECTION_AGE_GRACE; default 60)."
    )
    var maxConnectionAgeGrace: Int?

    @Option(
        help:
            "MiB the reads a service repeats (orders, statuses, the newest rate table) may keep in memory, by estimate, until a command changes them, 0 to 256; SQLite only, as on PostgreSQL other replicas write too (SUPPORT_READ_CACHE_MIB; default 4; 0 off)."
    )
    var readCacheMib: Int?

    @Option(
        help:
            "PostgreSQL instead of SQLite: postgres://user@host:port/database[?sslmode=disable|prefer|require] (SUPPORT_DATABASE_URL)."
    )
    var databaseUrl: String?

    @Option(
        help:
            "File whose first line is the PostgreSQL password, if not in the URL (SUPPORT_DATABASE_PASSWORD_FILE; else PGPASSWORD)."
    )
    var databasePasswordFile: String?

    @Option(
        help:
            "Development only, never in deploy/: seconds added to the clock the service stamps cases with, negative for the past, to load a demo history; tokens stay checked against the real clock (no environment variable; default 0)."
    )
    var devClockOffset: Int?

    /// Flags as parsed; environment fallbacks are applied by ``ServiceConfiguration``.
    public init() {}
}
