import Outbox
import Storage

extension ServiceDatabase {
    /// The tables every service database holds before its own, in the order they were added
    /// (their identifiers are recorded in existing databases and must not change): the
    /// idempotency ledger, the outbox with its per-case sequence and dead letters, the indexes
    /// retention prunes by, the latest audit checkpoint received from Oversight, and the relay leases; then
    /// fewer b-trees per command (issue 15). Written once for SQLite and PostgreSQL.
    public static let runtimeTables: [SchemaMigration] = [
        SchemaMigration("runtime-1-idempotency", IdempotencyLedger.createTable),
        SchemaMigration("runtime-2-outbox", Outbox.createTable),
        SchemaMigration("runtime-3-aggregate-sequence", OversightOutbox.createTable),
        SchemaMigration("runtime-4-outbox-dead-letters", Outbox.createDeadLetterTable),
        SchemaMigration("runtime-5-retention-indexes", StorageRetention.createIndexes),
        SchemaMigration("runtime-audit-checkpoint", AuditCheckpointStore.createTable),
        SchemaMigration("runtime-6-outbox-lease", OutboxLease.createTable),
        SchemaMigration("runtime-7-aggregate-sequence-without-rowid", OversightOutbox.rebuildWithoutRowID),
        SchemaMigration("runtime-8-outbox-plain-rowid", Outbox.rebuildWithPlainRowID),
        SchemaMigration("runtime-9-idempotency-in-insertion-order", StorageRetention.dropIdempotencyAgeIndex),
        SchemaMigration("runtime-10-outbox-delivered-table", Outbox.moveDeliveredToTheirOwnTable),
    ]

    /// Opens a service's SQLite database (`<directory>/<name>.sqlite`): the runtime's tables
    /// (``runtimeTables``), then the service's GRDB `migrations` in order.
    public convenience init(
        directory: String, name: String, migrations: [Migration], readThreads: Int = 4
    ) throws {
        try self.init(
            directory: directory, name: name, schema: migrations.map { SchemaMigration.sqliteOnly($0.0, $0.1) },
            readThreads: readThreads)
    }

    /// Opens a service's SQLite database (`<directory>/<name>.sqlite`): the runtime's tables
    /// (``runtimeTables``), then the service's `schema` in order; stores may keep
    /// `readCacheBudget` bytes of reads per cache (0: none; a service process passes its
    /// `--read-cache-mib` once it holds the file's lock).
    public convenience init(
        directory: String, name: String, schema: [SchemaMigration], readThreads: Int = 4,
        readCacheBudget: Int = 0
    ) throws {
        try self.init(
            directory: directory, name: name, applying: Self.runtimeTables + schema, readThreads: readThreads,
            readCacheBudget: readCacheBudget)
    }

    /// Opens a service's PostgreSQL database behind `postgres`: the runtime's tables
    /// (``runtimeTables``), then the service's `schema` in order, each once whatever the number of
    /// replicas starting at once.
    public convenience init(postgres: PostgresBackend, schema: [SchemaMigration]) async throws {
        try await self.init(postgres: postgres, applying: Self.runtimeTables + schema)
    }
}
