import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// A service's PostgreSQL database: a PostgresNIO connection pool (``PostgresClient``, which
/// reconnects by itself) and threads of its own on which transaction bodies run. A body is
/// synchronous store code over ``PostgresSQLConnection``; each statement's future is waited for
/// on that thread, never on an event loop, so no networking thread ever waits for the database.
/// Transactions that lose a serialization race or a deadlock run again, up to three times.
public final class PostgresBackend: Sendable {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let threads: NIOThreadPool
    private let logger: Logger
    /// Where the database is (without its password).
    public let url: DatabaseURL
    /// How long a transaction waits for a connection before it fails UNAVAILABLE.
    public let leaseTimeout: Duration

    /// A pool of at most `connections` connections to `url`, and as many threads; a transaction
    /// waits at most `leaseTimeout` for a connection.
    public init(
        url: DatabaseURL, connections: Int = 8, leaseTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "postgres")
    ) {
        self.url = url
        self.leaseTimeout = leaseTimeout
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls)
        configuration.options.maximumConnections = max(1, connections)
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        threads = NIOThreadPool(numberOfThreads: max(1, connections))
        threads.start()
    }

    /// Runs `body` in one transaction (read committed; stores lock what they change), on a
    /// storage thread; commits if it returns, rolls back if it throws.
    public func transaction<Result: Sendable>(
        readOnly: Bool = false, _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Result
    ) async throws -> Result {
        let begin = readOnly ? "START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN"
        var attempt = 1
        while true {
            do {
                return try await withLeasedConnection { sql in
                    try await self.threads.runIfActive {
                        try sql.execute(begin)
                        do {
                            let result = try body(sql)
                            try sql.execute("COMMIT")
                            return result
                        } catch {
                            _ = try? sql.execute("ROLLBACK")
                            throw error
                        }
                    }
                }
            } catch let error as PSQLError where error.isTransient && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// Runs one statement outside any transaction (`CREATE DATABASE` and other statements
    /// PostgreSQL refuses inside one).
    public func executeOutsideTransaction(_ sql: String) async throws {
        try await withLeasedConnection { connection in
            try await self.threads.runIfActive { _ = try connection.execute(sql) }
        }
    }

    /// Runs `body` with a connection of the pool. Waiting for one is bounded by
    /// ``leaseTimeout``: while the database cannot be reached the call fails at once with
    /// ``DatabaseUnavailableError`` (UNAVAILABLE) instead of hanging until its deadline; the pool
    /// keeps reconnecting meanwhile. Once `body` runs it is never abandoned, so a committed
    /// transaction is never reported as failed. A call cancelled while it waits (its client gone,
    /// its deadline passed) throws `CancellationError` (CANCELLED), not the pool's own error for
    /// it, which is no failure of the database.
    private func withLeasedConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) async throws -> Result
    ) async throws -> Result {
        let lease = Lease()
        do {
            return try await leasing(lease, body)
        } catch {
            if Task.isCancelled, lease.state.withLock({ $0 != .leased }) { throw CancellationError() }
            throw error
        }
    }

    /// ``withLeasedConnection(_:)``'s race between the pool and the lease timeout.
    private func leasing<Result: Sendable>(
        _ lease: Lease, _ body: @escaping @Sendable (PostgresSQLConnection) async throws -> Result
    ) async throws -> Result {
        let (client, logger, timeout) = (client, logger, leaseTimeout)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    let running = lease.state.withLock { state in
                        guard state == .waiting else { return false }
                        state = .leased
                        return true
                    }
                    guard running else { throw DatabaseUnavailableError() }
                    return try await body(PostgresSQLConnection(connection: connection, logger: logger))
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                let expired = lease.state.withLock { state in
                    guard state == .waiting else { return false }
                    state = .expired
                    return true
                }
                if expired { throw DatabaseUnavailableError() }
                return nil
            }
            while let finished = try await group.next() {
                if let result = finished {
                    group.cancelAll()
                    return result
                }
            }
            throw DatabaseUnavailableError()
        }
    }

    /// Applies the `migrations` not yet recorded in `schema_migrations`, in order, in one
    /// transaction holding an advisory lock: several replicas starting at once apply each
    /// migration exactly once (the others wait, then find them recorded). A migration written for
    /// SQLite only stops the start with an error naming it.
    public func migrate(_ migrations: [SchemaMigration]) async throws {
        if let sqliteOnly = migrations.first(where: { !$0.isPortable }) {
            throw DatabaseURLError(
                "cannot be used: this service's schema (migration '\(sqliteOnly.identifier)') is SQLite-only so far")
        }
        try await transaction { connection in
            try connection.lock(named: "support-schema-migrations")
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    identifier TEXT PRIMARY KEY,
                    applied_at DOUBLE PRECISION NOT NULL
                )
                """)
            let applied = Set(
                try connection.fetchRows("SELECT identifier FROM schema_migrations").map { try $0.string(0) })
            for migration in migrations where !applied.contains(migration.identifier) {
                guard case .portable(let migrate) = migration.body else { continue }
                try migrate(connection)
                try connection.execute(
                    "INSERT INTO schema_migrations (identifier, applied_at) VALUES (?, ?)",
                    [migration.identifier, Date().timeIntervalSince1970])
            }
        }
    }

    /// Closes the pool and stops the threads.
    public func close() {
        runner.cancel()
        threads.shutdownGracefully { _ in }
    }
}

/// Where a transaction's wait for a connection stands, shared by the wait and its timer.
private final class Lease: Sendable {
    /// The state.
    let state = Mutex(LeaseState.waiting)
}

/// Where a transaction's wait for a connection stands.
private enum LeaseState: Sendable, Equatable {
    /// Still waiting.
    case waiting
    /// A connection came: the body runs and is waited for.
    case leased
    /// The wait timed out: the body never runs.
    case expired
}
