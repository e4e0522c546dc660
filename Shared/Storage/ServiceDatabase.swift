import Foundation
import GRDB
import NIOPosix
import RPC
import Synchronization

/// A service's own SQLite database (GRDB): one file under the data directory, WAL mode so that
/// reads never wait for writes, `synchronous = FULL` so that an acknowledged write survives a
/// crash or power loss, and versioned migrations run at start. Every command is one write
/// transaction, in which its idempotency record and outbox events are written with the change.
/// (A service process opens it with the runtime's tables first: see `Runtime`'s
/// `ServiceDatabase.init(directory:name:migrations:readThreads:)`.)
public final class ServiceDatabase: Sendable {
    /// One versioned schema change: its identifier (recorded once applied) and what it does.
    public typealias Migration = (identifier: String, migrate: @Sendable (Database) throws -> Void)

    /// The connection pool.
    public let pool: DatabasePool
    /// The threads reads run on, so that no read runs on a networking thread (see ``read(_:)``).
    private let readThreads: NIOThreadPool
    /// The read-only connections not in use, one per read thread (see ``read(_:)``).
    private let readers: Mutex<[DatabaseQueue]>

    /// Opens (creating if needed) `<directory>/<name>.sqlite` and migrates it with `schema`, in
    /// order. Reads run on `readThreads` threads of their own, and as many SQLite readers.
    public init(directory: String, name: String, schema: [Migration], readThreads: Int = 4) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.maximumReaderCount = max(1, readThreads)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: "\(directory)/\(name).sqlite", configuration: configuration)
        // GRDB sets the writer to synchronous = NORMAL with WAL; every write here waits for the
        // disk instead (FULL), so that nothing acknowledged is lost on power failure.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        var migrator = DatabaseMigrator()
        for migration in schema {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        try migrator.migrate(pool)
        var readerConfiguration = Configuration()
        readerConfiguration.readonly = true
        readerConfiguration.busyMode = .timeout(10)
        let path = "\(directory)/\(name).sqlite"
        readers = Mutex(
            try (0..<max(1, readThreads)).map { _ in try DatabaseQueue(path: path, configuration: readerConfiguration) }
        )
        self.readThreads = NIOThreadPool(numberOfThreads: max(1, readThreads))
        self.readThreads.start()
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

    /// Runs `body` on a read-only snapshot, on one of the database's own read threads, never on
    /// the caller's: handlers start on a connection's event loop, and a slow read there (a whole
    /// audit chain, a report) would hold every other connection of that loop.
    ///
    /// The hand-off: a `NIOThreadPool` job (4 dedicated threads) resuming an unsafe continuation;
    /// the job takes one of as many read-only connections of its own (a `DatabaseQueue` each, on
    /// the same WAL file) and reads in one transaction there. Measured per one-row indexed read
    /// (medians of 3 rounds of 20,000 serial reads, debug build, 2 shared cores): on the calling
    /// thread 69-81 us (the old way: blocks the caller); a private concurrent `DispatchQueue`
    /// 74-86 us; `DispatchQueue.global()` 88-101 us; a private serial `DispatchQueue` 101-117 us;
    /// 4 `Thread`s on a `DispatchSemaphore` 107-118 us; this job around `DatabasePool.read`
    /// 113-139 us; `runIfActive` 121-151 us; GRDB's async read 120-178 us. The Dispatch queues
    /// are cheaper but run on libdispatch's shared workers, whose count on Linux is the core
    /// count and grows only when its monitor notices blocked threads, periodically: two slow
    /// reads on a 2-core machine would hold every quick read again. Dedicated threads keep the
    /// promise (StorageOffEventLoopTests).
    ///
    /// Why connections of its own rather than `DatabasePool.read`: profiled under load (64
    /// concurrent calls, release build, `Benchmarks/service-profile.md`), the pool's reader
    /// checkout (a barrier `DispatchQueue.sync`, a semaphore, a lock, and a generic key path
    /// instantiated on every call) cost more than the SQLite work of the read; here a read
    /// thread takes a connection from a list under a mutex. Should the list be empty (it cannot,
    /// with one connection per thread), the read goes through the pool. Writes keep GRDB's async
    /// API: they wait on GRDB's writer queue, never on the caller's thread.
    public func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        let pool = self.pool
        return try await withUnsafeThrowingContinuation { continuation in
            readThreads.submit { state in
                guard case .active = state else {
                    continuation.resume(
                        throwing: DatabaseError(resultCode: .SQLITE_MISUSE, message: "database is closed"))
                    return
                }
                guard let reader = self.readers.withLock({ $0.popLast() }) else {
                    continuation.resume(with: Result { try pool.read(body) })
                    return
                }
                let result = Result { try reader.read(body) }
                self.readers.withLock { $0.append(reader) }
                continuation.resume(with: result)
            }
        }
    }

    /// Closes every connection (the last one checkpoints the WAL into the database file). Reads
    /// and writes after this fail.
    public func close() {
        for reader in readers.withLock({ $0 }) { try? reader.close() }
        try? pool.close()
        readThreads.shutdownGracefully { _ in }
    }

    /// The result of `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
