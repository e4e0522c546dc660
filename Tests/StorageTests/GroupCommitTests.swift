import Dispatch
import Foundation
import GRDB
import RPC
import Runtime
import Synchronization
import Testing

@testable import Storage

/// Group commit on a real SQLite file: commands that wait together share one transaction, each
/// acting alone. To make a batch for certain, a test holds GRDB's writer queue with a write of its
/// own, queues the commands behind it, waits until all of them wait, and lets go: the next batch
/// is then exactly those commands. Pass or fail is decided by outcomes and counts, never by time.
@Suite struct GroupCommitTests {
    static let method = MethodDescriptor(service: "test.Group", method: "Add", kind: .unary)

    /// A fresh database with a table `notes`, in a directory of its own.
    static func database(in directory: String) throws -> ServiceDatabase {
        try ServiceDatabase(
            directory: directory, name: "test",
            migrations: [
                ("test-1", { db in try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT)") })
            ])
    }

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID())").path
    }

    /// Runs `commands` (each started as a task of its own, in order) as one batch: holds the
    /// writer until all of them wait, then lets them commit. Returns each command's outcome, in
    /// order, and how many transactions committed meanwhile.
    static func inOneBatch<Value: Sendable>(
        _ database: ServiceDatabase, _ commands: [@Sendable () async throws -> Value]
    ) async throws -> (outcomes: [Result<Value, any Error>], transactions: Int) {
        let groupCommit = try #require(database.groupCommit)
        let before = groupCommit.committedTransactions
        let held = DispatchSemaphore(value: 0)
        let pool = try database.pool
        await withCheckedContinuation { holding in
            pool.asyncWriteWithoutTransaction { _ in
                holding.resume()
                held.wait()
            }
        }
        // One at a time, each queued before the next starts: the batch runs them in the order given.
        var tasks: [Task<Value, any Error>] = []
        for (index, command) in commands.enumerated() {
            tasks.append(Task { try await command() })
            while groupCommit.waitingCount <= index { try await Task.sleep(for: .milliseconds(1)) }
        }
        held.signal()
        var outcomes: [Result<Value, any Error>] = []
        for task in tasks { outcomes.append(await task.result) }
        return (outcomes, groupCommit.committedTransactions - before)
    }

    /// A command adding `note` under idempotency key `key`; throws `failure` after its insert
    /// when given one. Returns the new row's id.
    static func add(_ note: String, key: String, to database: ServiceDatabase, failing failure: RPCError? = nil)
        -> @Sendable () async throws -> Int64
    {
        {
            let response = try await database.perform(
                key: key, caller: "tester", method: method, request: Array(note.utf8)
            ) { connection in
                try connection.execute("INSERT INTO notes (note) VALUES (?)", [note])
                if let failure { throw failure }
                let id = try connection.fetchCount("SELECT MAX(id) FROM notes")
                return withUnsafeBytes(of: Int64(id).littleEndian, Array.init)
            }
            return response.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
        }
    }

    /// The commands whose `committed` hooks ran.
    final class Hooked: Sendable {
        let indexes = Mutex<Set<Int>>([])
    }

    /// Command `index` of ``everyCommittedHookRunsBeforeAnyCallerOfTheBatchResumes()``: inserts a
    /// note (command 1 then fails; command 3 retries command 0's key), notes `index` in `hooked`
    /// once committed, and returns what `hooked` held when its caller resumed.
    static func noting(_ index: Int, in hooked: Hooked, on database: ServiceDatabase)
        -> @Sendable () async throws -> Set<Int>
    {
        {
            _ = try await database.perform(
                key: index == 3 ? "key-0" : "key-\(index)", caller: "tester", method: method,
                request: [0], committed: { hooked.indexes.withLock { _ = $0.insert(index) } }
            ) { connection in
                try connection.execute("INSERT INTO notes (note) VALUES (?)", ["note-\(index)"])
                if index == 1 { throw RPCError(.failedPrecondition, "not now") }
                return [UInt8(index)]
            }
            return hooked.indexes.withLock { $0 }
        }
    }

    static func notes(in database: ServiceDatabase) async throws -> [String] {
        try await database.snapshot { db in
            try db.fetchRows("SELECT note FROM notes ORDER BY id").map { try $0.string(0) }
        }
    }

    @Test func concurrentCommandsCommitInOneTransactionAndAllStayCommitted() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        let names = (0..<20).map { "note-\($0)" }
        let (outcomes, transactions) = try await Self.inOneBatch(
            database, names.map { Self.add($0, key: $0, to: database) })
        #expect(transactions == 1)
        let ids = try outcomes.map { try $0.get() }
        #expect(Set(ids).count == 20, "each command saw its own insert")
        database.close()

        let reopened = try Self.database(in: directory)
        defer { reopened.close() }
        #expect(Set(try await Self.notes(in: reopened)) == Set(names))
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func aFailingCommandFailsAloneAndLeavesNothingBehind() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        let refusal = RPCError(.failedPrecondition, "not now")
        let commands = (0..<5).map { index in
            Self.add("note-\(index)", key: "key-\(index)", to: database, failing: index == 2 ? refusal : nil)
        }
        let (outcomes, transactions) = try await Self.inOneBatch(database, commands)
        #expect(transactions == 1)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success: #expect(index != 2)
            case .failure(let error):
                #expect(index == 2)
                #expect((error as? RPCError)?.code == .failedPrecondition)
            }
        }
        #expect(try await Self.notes(in: database) == ["note-0", "note-1", "note-3", "note-4"])
        // The failed command left no idempotency record: its retry runs (and now succeeds).
        _ = try await Self.add("note-2", key: "key-2", to: database)()
        #expect(try await Self.notes(in: database).last == "note-2")
    }

    @Test func aRetryInTheSameBatchGetsTheFirstResponseAndAReusedKeyIsRefused() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        let commands = [
            Self.add("first", key: "same", to: database),
            Self.add("other", key: "other", to: database),
            Self.add("first", key: "same", to: database),
            Self.add("different", key: "same", to: database),
        ]
        let (outcomes, transactions) = try await Self.inOneBatch(database, commands)
        #expect(transactions == 1)
        let first = try outcomes[0].get()
        #expect(try outcomes[2].get() == first, "the retry got the first call's response")
        #expect(throws: RPCError.self) { try outcomes[3].get() }
        if case .failure(let error) = outcomes[3] { #expect((error as? RPCError)?.code == .alreadyExists) }
        #expect(try await Self.notes(in: database) == ["first", "other"])
    }

    /// What a store does once a write is committed (dropping kept reads of what it changed) is
    /// done for every write of the batch before any caller hears back, so that no answered
    /// command, not even a retry answered from the same batch, can be followed by a read of
    /// what was kept before it; a write that failed has nothing to do there.
    @Test func everyCommittedHookRunsBeforeAnyCallerOfTheBatchResumes() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        let hooked = Hooked()
        let commands = (0..<4).map { index in Self.noting(index, in: hooked, on: database) }
        let (outcomes, transactions) = try await Self.inOneBatch(database, commands)
        #expect(transactions == 1)
        // Command 3 is a retry of command 0, answered from its record: its hook runs too.
        for index in [0, 2, 3] { #expect(try outcomes[index].get() == [0, 2, 3]) }
        #expect(throws: RPCError.self) { try outcomes[1].get() }
    }

    @Test func aCommandThatLosesTheWholeTransactionFailsAloneAndTheOthersRunAgain() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        // A body that ends the shared transaction itself (as an error that rolls a whole
        // transaction back would): nothing of the batch is committed by it.
        let rollingBack: @Sendable () async throws -> Int64 = {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO notes (note) VALUES ('lost')")
                try db.execute(sql: "ROLLBACK")
                return 0
            }
        }
        let commands = [
            Self.add("before", key: "before", to: database), rollingBack, Self.add("after", key: "after", to: database),
        ]
        let (outcomes, _) = try await Self.inOneBatch(database, commands)
        #expect((try? outcomes[0].get()) != nil)
        #expect((try? outcomes[1].get()) == nil)
        #expect((try? outcomes[2].get()) != nil)
        #expect(try await Self.notes(in: database) == ["before", "after"])
    }

    /// `synchronous` as the writer connection has it while a write runs: 2 FULL, 1 NORMAL.
    static func synchronous(_ db: Database) throws -> Int { try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }

    @Test func aWriteThatNeedNotSyncSkipsTheFsyncOnlyWhenNoWriteOfItsCommitNeedsIt() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        #expect(try await database.write { db in try Self.synchronous(db) } == 2)
        #expect(try await database.write(syncing: false) { db in try Self.synchronous(db) } == 1)
        #expect(try await database.write { db in try Self.synchronous(db) } == 2, "FULL again after it")
        // Sharing a commit with a write that needs the disk, it is synced too.
        let (outcomes, transactions) = try await Self.inOneBatch(
            database,
            [
                { @Sendable in try await database.write(syncing: false) { db in try Self.synchronous(db) } },
                { @Sendable in try await database.write { db in try Self.synchronous(db) } },
            ])
        #expect(transactions == 1)
        #expect(try outcomes.map { try $0.get() } == [2, 2])
        let pool = try database.pool
        #expect(try await pool.writeWithoutTransaction { db in try Self.synchronous(db) } == 2)
    }
}
