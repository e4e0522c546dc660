import GRDB
import Outbox
import Storage

extension ServiceDatabase {
    /// The tables every service database holds before its own, in the order they were added
    /// (their identifiers are recorded in existing databases and must not change): the
    /// idempotency ledger, the outbox with its per-case sequence and dead letters, the indexes
    /// retention prunes by, and the latest audit checkpoint received from Oversight.
    public static let runtimeTables: [Migration] = [
        ("runtime-1-idempotency", IdempotencyLedger.createTable),
        ("runtime-2-outbox", Outbox.createTable),
        ("runtime-3-aggregate-sequence", OversightOutbox.createTable),
        ("runtime-4-outbox-dead-letters", Outbox.createDeadLetterTable),
        ("runtime-5-retention-indexes", StorageRetention.createIndexes),
        ("runtime-audit-checkpoint", AuditCheckpointStore.createTable),
    ]

    /// Opens a service's database (`<directory>/<name>.sqlite`): the runtime's tables
    /// (``runtimeTables``), then the service's `migrations` in order.
    public convenience init(
        directory: String, name: String, migrations: [Migration], readThreads: Int = 4
    ) throws {
        try self.init(
            directory: directory, name: name, schema: Self.runtimeTables + migrations, readThreads: readThreads)
    }
}
