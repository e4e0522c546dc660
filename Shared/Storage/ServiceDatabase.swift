import Foundation
import GRDB
import RPC
import Synchronization

/// A service's own database: SQLite (GRDB, the embedded default) or PostgreSQL (PostgresNIO,
/// for several replicas on one database), chosen when the process starts.
///
/// On SQLite: one file under the data directory, WAL mode so that reads never wait for writes,
/// `synchronous = FULL` so that an acknowledged write survives a crash or power loss. On
/// PostgreSQL: a connection pool (``PostgresBackend``). Versioned migrations run at start on both.
/// Every command is one write transaction, in which its idempotency record and outbox events are
/// written with the change; on SQLite, commands waiting at the same time share one commit (one
/// fsync), each in a savepoint of its own (``GroupCommit``).
///
/// Stores written over ``SQLConnection`` (``transaction(_:)``, ``snapshot(_:)``,
/// ``perform(key:caller:method:request:_:)``) run on both backends with the same SQL; the GRDB
/// entry points (``write(_:)``, ``read(_:)``, ``command(key:caller:method:request:_:)``) work on
/// SQLite only (tests and SQLite-specific maintenance use them; every service store uses the
/// portable ones). (A service process opens it with the
/// runtime's tables first: see `Runtime`'s `ServiceDatabase.init(directory:name:schema:)`.)
public final class ServiceDatabase: Sendable {
    /// One versioned schema change written for GRDB: its identifier (recorded once applied) and
    /// what it does (see ``SchemaMigration`` for migrations that run on both backends).
    public typealias Migration = (identifier: String, migrate: @Sendable (Database) throws -> Void)

    /// Which database holds the service's data.
    enum Backend: Sendable {
        /// A SQLite file.
        case sqlite(DatabasePool)
        /// A PostgreSQL database.
        case postgres(PostgresBackend)
    }

    private let backend: Backend
    /// The threads SQLite reads run on, so that no read runs on a networking thread, each with a
    /// read-only connection of its own (see ``read(_:)``); none on PostgreSQL.
    private let readThreads: ReadThreads?
    /// SQLite's writes, committed in groups (``GroupCommit``); none on PostgreSQL, whose
    /// concurrent commits already share their WAL flushes (a backend's flush writes out every
    /// commit record queued before it).
    let groupCommit: GroupCommit?

    /// The SQLite connection pool (SQLite only: throws on PostgreSQL).
    public var pool: DatabasePool {
        get throws {
            guard case .sqlite(let pool) = backend else { throw SQLiteOnlyError() }
            return pool
        }
    }

    /// The database's dialect.
    public var dialect: SQLDialect {
        switch backend {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The bytes each ``ReadCache`` on this database may keep; 0 (keep nothing) on PostgreSQL, where
    /// other replicas write too, so that only a SQLite file, which belongs to one service process
    /// that therefore knows of every change, is read through a cache.
    public let readCacheBudget: Int

    /// The ``readCacheBudget`` a service process gives its SQLite database unless told otherwise
    /// (`--read-cache-mib`): 4 MiB. A database opened without one keeps nothing: only the opener
    /// knows whether it is the file's only writer (a service holds its lock: `DatabaseFileLock`).
    public static let defaultReadCacheBudget = 4 << 20

    /// The ``ReadCache``s of the stores on this database, by name and type (``readCache(named:)``).
    private let readCaches = Mutex<[ReadCacheName: any Sendable]>([:])

    /// The read cache `name` of this database, made on first use with ``readCacheBudget``, or nil
    /// if that is 0. Every store on the database gets the same one for a name, so that a command
    /// run through any of them invalidates what all of them read.
    public func readCache<Key, Value>(named name: String) -> ReadCache<Key, Value>? {
        guard readCacheBudget > 0 else { return nil }
        let key = ReadCacheName(name: name, type: ObjectIdentifier(ReadCache<Key, Value>.self))
        return readCaches.withLock { caches in
            if let cache = caches[key] as? ReadCache<Key, Value> { return cache }
            let cache = ReadCache<Key, Value>(budget: readCacheBudget)
            caches[key] = cache
            return cache
        }
    }

    /// Opens (creating if needed) `<directory>/<name>.sqlite` and applies `migrations` not yet
    /// applied, in order. Reads run on `readThreads` threads of their own, and as many SQLite readers;
    /// stores may keep `readCacheBudget` bytes of their reads per cache (``readCacheBudget``).
    public init(
        directory: String, name: String, applying migrations: [SchemaMigration], readThreads: Int = 4,
        readCacheBudget: Int = 0
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.maximumReaderCount = max(1, readThreads)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: "\(directory)/\(name).sqlite", configuration: configuration)
        // GRDB sets the writer to synchronous = NORMAL with WAL; every write here waits for the
        // disk instead (FULL), so that nothing acknowledged is lost on power failure.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        var migrator = DatabaseMigrator()
        for migration in migrations {
            switch migration.body {
            case .portable(let migrate): migrator.registerMigration(migration.identifier) { db in try migrate(db) }
            case .sqliteOnly(let migrate): migrator.registerMigration(migration.identifier, migrate: migrate)
            }
        }
        try migrator.migrate(pool)
        backend = .sqlite(pool)
        groupCommit = GroupCommit(pool: pool)
        self.readCacheBudget = max(0, readCacheBudget)
        var readerConfiguration = Configuration()
        readerConfiguration.readonly = true
        readerConfiguration.busyMode = .timeout(10)
        let path = "\(directory)/\(name).sqlite"
        self.readThreads = ReadThreads(count: max(1, readThreads), name: "\(name)-read") {
            [readerConfiguration] in try DatabaseQueue(path: path, configuration: readerConfiguration)
        }
    }

    /// The PostgreSQL database behind `postgres`, with `migrations` applied (once, whatever the
    /// number of replicas starting at once: see ``PostgresBackend/migrate(_:)``).
    public init(postgres: PostgresBackend, applying migrations: [SchemaMigration]) async throws {
        try await postgres.migrate(migrations)
        backend = .postgres(postgres)
        readThreads = nil
        groupCommit = nil
        readCacheBudget = 0
    }

    /// Runs `body` in one write transaction, on either backend (on SQLite possibly shared with
    /// other writes waiting at the same time, each in a savepoint of its own: ``GroupCommit``;
    /// `body` fails or commits alone all the same).
    ///
    /// `syncing: false` is for writes that may be lost in a crash and done again (marking outbox
    /// events delivered): on SQLite their commit does not wait for the disk unless it shares it
    /// with writes that do (they become durable, in order, with the next synced commit); on
    /// PostgreSQL every commit is synced.
    ///
    /// `committed` runs once the transaction is committed and before this returns; on SQLite, on
    /// the writer before any write of the same group commit returns (``GroupCommit``), so that
    /// what it does (a store dropping kept reads: ``ReadCache``) is done before any caller hears
    /// of the change. It does not run when the transaction fails.
    public func transaction<Result: Sendable>(
        syncing: Bool = true, committed: (@Sendable () -> Void)? = nil,
        _ body: @escaping @Sendable (any SQLConnection) throws -> Result
    ) async throws -> Result {
        switch backend {
        case .sqlite: return try await write(syncing: syncing, committed: committed) { db in try body(db) }
        case .postgres(let postgres):
            let result = try await postgres.transaction { connection in try body(connection) }
            committed?()
            return result
        }
    }

    /// Runs `body` on a consistent read-only snapshot, on a storage thread (never the caller's),
    /// on either backend.
    public func snapshot<Value: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Value)
        async throws -> Value
    {
        switch backend {
        case .sqlite: try await read { db in try body(db) }
        case .postgres(let postgres):
            try await postgres.transaction(readOnly: true) { connection in try body(connection) }
        }
    }

    /// Runs one state-changing command in one write transaction, on either backend: `body` makes
    /// the change (and writes its outbox events) and returns the encoded response, which the
    /// idempotency ledger stores under `key` (scoped to `caller`) in the same transaction; a retry
    /// gets the stored response without running `body` again. `committed`: as for
    /// ``transaction(syncing:committed:_:)``.
    public func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        committed: (@Sendable () -> Void)? = nil,
        _ body: @escaping @Sendable (any SQLConnection) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await transaction(committed: committed) { connection in
            try IdempotencyLedger.perform(
                key: key, caller: caller, method: method, request: request, in: connection, body)
        }
    }

    /// Runs `body` in one write transaction (SQLite only), committed in a group with the writes
    /// waiting at the same time (``GroupCommit``): `body` fails alone, and returns once its
    /// changes are committed (`syncing` and `committed`: as for ``transaction(syncing:committed:_:)``).
    public func write<Result: Sendable>(
        syncing: Bool = true, committed: (@Sendable () -> Void)? = nil,
        _ body: @escaping @Sendable (Database) throws -> Result
    ) async throws -> Result {
        guard let groupCommit else { throw SQLiteOnlyError() }
        return try await groupCommit.write(syncing: syncing, committed: committed, body)
    }

    /// Runs one state-changing command in one write transaction (SQLite only): `body` makes the
    /// change (and writes its outbox events) and returns the encoded response, which the
    /// idempotency ledger stores under `key` (scoped to `caller`) in the same transaction; a retry
    /// gets the stored response without running `body` again.
    public func command(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (Database) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await write { db in
            try IdempotencyLedger.perform(key: key, caller: caller, method: method, request: request, in: db, body)
        }
    }

    /// Runs `body` on a read-only snapshot (SQLite only), on one of the database's own read
    /// threads, never on the caller's: handlers start on a connection's event loop, and a slow
    /// read there (a whole audit chain, a report) would hold every other connection of that loop.
    ///
    /// The hand-off: a job for ``ReadThreads`` (4 dedicated threads, each with a read-only
    /// connection of its own, a `DatabaseQueue` on the same WAL file) resuming an unsafe
    /// continuation; the job reads in one transaction on its thread's connection. The task then
    /// resumes where it prefers to (a handler: on its connection's event loop). Measured per
    /// one-row indexed read (medians of 3 rounds of 20,000 serial reads, debug build, 2 shared
    /// cores), before the threads and connections of its own: on the calling thread 69-81 us
    /// (blocks the caller); a private concurrent `DispatchQueue` 74-86 us;
    /// `DispatchQueue.global()` 88-101 us; a private serial `DispatchQueue` 101-117 us; 4
    /// `Thread`s on a `DispatchSemaphore` 107-118 us; a `NIOThreadPool` job around
    /// `DatabasePool.read` 113-139 us; `runIfActive` 121-151 us; GRDB's async read 120-178 us.
    /// The Dispatch queues are cheaper but run on libdispatch's shared workers, whose count on
    /// Linux is the core count and grows only when its monitor notices blocked threads,
    /// periodically: two slow reads on a 2-core machine would hold every quick read again.
    /// Dedicated threads keep the promise (StorageOffEventLoopTests).
    ///
    /// Then profiled under load (64 concurrent calls, release build,
    /// `Benchmarks/service-profile.md`): `DatabasePool.read`'s reader checkout (a barrier
    /// `DispatchQueue.sync`, a semaphore, a lock, a generic key path instantiated on every call)
    /// cost more than the SQLite work of the read, and `NIOThreadPool` wakes a thread for every
    /// job, each wake a context switch on the event loop's core; ``ReadThreads`` wakes one only
    /// when no woken thread will take the job. Writes wait on GRDB's writer queue
    /// (``GroupCommit``), never on the caller's thread.
    public func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        guard let readThreads else { throw SQLiteOnlyError() }
        return try await withUnsafeThrowingContinuation { continuation in
            let queued = readThreads.submit { reader in
                // Already inside a read transaction (shared with the reads taken with this one).
                continuation.resume(with: Result { try body(reader.get()) })
            }
            if !queued {
                continuation.resume(throwing: DatabaseError(resultCode: .SQLITE_MISUSE, message: "database is closed"))
            }
        }
    }

    /// Reads queued and not yet taken by a read thread (SQLite; 0 on PostgreSQL; for tests).
    var queuedReads: Int { readThreads?.queuedCount ?? 0 }

    /// Runs `body` in one read transaction on `reader`: one snapshot for all its statements, and
    /// one WAL read lock taken and released (statements outside a transaction would take one
    /// each). `BEGIN` and `COMMIT` are statements prepared once per connection: GRDB's
    /// `DatabaseQueue.read` parses both anew on every read, as two more statements (its
    /// `inTransaction`), which the profile of a `GetOrder` under load showed (service-profile.md).
    static func readTransaction<Value>(on reader: DatabaseQueue, _ body: (Database) throws -> Value) throws -> Value {
        try reader.inDatabase { db in try readTransaction(in: db, body) }
    }

    /// Runs `body` in one read transaction on `db` (as ``readTransaction(on:_:)``, already inside
    /// the connection's `inDatabase`).
    static func readTransaction<Value>(in db: Database, _ body: (Database) throws -> Value) throws -> Value {
        try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        let value: Value
        do {
            value = try body(db)
        } catch {
            endReadTransaction(on: db)
            throw error
        }
        endReadTransaction(on: db)
        return value
    }

    /// Ends the read transaction open on `db`, if one is: its reads are done, so a `COMMIT` that
    /// fails is rolled back instead (the connection serves its thread's next reads: none may
    /// start inside this one).
    static func endReadTransaction(on db: Database) {
        guard db.isInsideTransaction else { return }
        do {
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
        }
    }

    /// A database dropped without ``close()`` (a test's, a failed start's) still ends its read
    /// threads: each thread then lets go of its read-only connection, so its file descriptors
    /// (database, WAL and shared-memory files) are not held for the life of the process. The pool
    /// closes itself when released.
    deinit {
        readThreads?.stop(waiting: false)
    }

    /// Closes every connection (on SQLite the last one checkpoints the WAL into the database
    /// file). Reads and writes after this fail.
    public func close() {
        readThreads?.stop()
        switch backend {
        case .sqlite(let pool): try? pool.close()
        case .postgres(let postgres): postgres.close()
        }
    }

    /// On SQLite the result of `PRAGMA integrity_check` ("ok" when the file is sound); on
    /// PostgreSQL "ok" once a query answers.
    public func integrityCheck() async throws -> String {
        switch backend {
        case .sqlite(let pool):
            try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
        case .postgres(let postgres):
            try await postgres.transaction(readOnly: true) { connection in
                try connection.fetchOne("SELECT 'ok'")?.string(0) ?? "no answer"
            }
        }
    }
}
