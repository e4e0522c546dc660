import Foundation
import GRDB
import RPC

/// A service's own SQLite database (GRDB): one file under the data directory, WAL mode so that
/// reads never wait for writes, `synchronous = FULL` so that an acknowledged write survives a
/// crash or power loss, and versioned migrations run at start. Every command is one write
/// transaction, in which its idempotency record and outbox events are written with the change.
public final class ServiceDatabase: Sendable {
    /// The connection pool.
    public let pool: DatabasePool

    /// Opens (creating if needed) `<directory>/<name>.sqlite` and migrates it: first the
    /// runtime's own tables, then the service's `migrations` in order.
    public init(
        directory: String, name: String,
        migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)]
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: "\(directory)/\(name).sqlite", configuration: configuration)
        // GRDB sets the writer to synchronous = NORMAL with WAL; every write here waits for the
        // disk instead (FULL), so that nothing acknowledged is lost on power failure.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("runtime-1-idempotency", migrate: IdempotencyLedger.createTable)
        migrator.registerMigration("runtime-2-outbox", migrate: Outbox.createTable)
        migrator.registerMigration("runtime-3-aggregate-sequence", migrate: OversightOutbox.createTable)
        migrator.registerMigration("runtime-audit-checkpoint", migrate: AuditCheckpointStore.createTable)
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        try migrator.migrate(pool)
    }

    /// Runs `body` in one write transaction.
    public func write<Result: Sendable>(_ body: @escaping @Sendable (Database) throws -> Result) async throws -> Result
    {
        try await pool.write(body)
    }

    /// Runs one state-changing command in one write transaction: `body` makes the change (and
    /// writes its outbox events) and returns the encoded response, which the idempotency ledger
    /// stores under `key` (scoped to `caller`) in the same transaction; a retry gets the stored
    /// response without running `body` again.
    public func command(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (Database) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await write { db in
            try IdempotencyLedger.perform(key: key, caller: caller, method: method, request: request, in: db, body)
        }
    }

    /// Runs `body` on a read-only snapshot, on the calling thread.
    ///
    /// Reads here are short indexed lookups (tens of microseconds once the pages are cached). GRDB's
    /// async `read` hops to a reader queue and back, which measured 320 us median per read on this
    /// kind of machine (Benchmarks/OrdersReadBenchmark, "GRDB row read"); the synchronous read
    /// runs on the caller's thread (WAL readers never wait for the writer), so a short read costs
    /// what SQLite costs. Writes keep the async API: they wait for fsync.
    public func read<Result: Sendable>(_ body: @escaping @Sendable (Database) throws -> Result) async throws -> Result {
        try readOnCallingThread(body)
    }

    /// GRDB's synchronous read (a synchronous function, so the async overload is not chosen).
    private func readOnCallingThread<Result>(_ body: (Database) throws -> Result) throws -> Result {
        try pool.read(body)
    }

    /// Closes every connection (the last one checkpoints the WAL into the database file). Reads
    /// and writes after this fail.
    public func close() {
        try? pool.close()
    }

    /// The result of `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
