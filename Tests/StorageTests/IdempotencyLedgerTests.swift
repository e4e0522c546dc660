import Foundation
import GRDB
import RPC
import Storage
import Testing

@testable import Runtime

/// The idempotency ledger on a real SQLite file: one effect per key, the first answer for every
/// retry, and a clear refusal when a key is reused for another request.
@Suite struct IdempotencyLedgerTests {
    static let method = MethodDescriptor(service: "test.Ledger", method: "Add", kind: .unary)

    static func database() throws -> (ServiceDatabase, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID())").path
        let database = try ServiceDatabase(
            directory: directory, name: "test",
            migrations: [
                ("test-1", { db in try db.execute(sql: "CREATE TABLE effects (id INTEGER PRIMARY KEY, note TEXT)") })
            ])
        return (database, directory)
    }

    @Test func fiftyConcurrentRetriesHaveOneEffectAndOneAnswer() async throws {
        let (database, directory) = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let answers = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await database.write { db in
                        try IdempotencyLedger.perform(key: "key-1", method: Self.method, request: [1, 2, 3], in: db) {
                            db in
                            try db.execute(sql: "INSERT INTO effects (note) VALUES ('added')")
                            return withUnsafeBytes(of: db.lastInsertedRowID, Array.init)
                        }
                    }
                }
            }
            var answers: [[UInt8]] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
        let effects = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM effects") ?? -1 }
        #expect(effects == 1)
        #expect(answers.count == 50)
        #expect(Set(answers).count == 1)
        #expect(try await database.integrityCheck() == "ok")
    }

    @Test func aKeyReusedForAnotherRequestIsRefusedAndChangesNothing() async throws {
        let (database, directory) = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await database.write { db in
            try IdempotencyLedger.perform(key: "key-1", method: Self.method, request: [1], in: db) { db in
                try db.execute(sql: "INSERT INTO effects (note) VALUES ('first')")
                return [1]
            }
        }
        do {
            _ = try await database.write { db in
                try IdempotencyLedger.perform(key: "key-1", method: Self.method, request: [2], in: db) { db in
                    try db.execute(sql: "INSERT INTO effects (note) VALUES ('second')")
                    return [2]
                }
            }
            Issue.record("a reused key ran a different request")
        } catch let error as RPCError {
            #expect(error.code == .alreadyExists)
            #expect(error.message.contains("key-1"))
        }
        do {
            _ = try await database.write { db in
                try IdempotencyLedger.perform(key: "", method: Self.method, request: [3], in: db) { _ in [3] }
            }
            Issue.record("an empty key was accepted")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
        }
        let notes = try await database.read { db in try String.fetchAll(db, sql: "SELECT note FROM effects") }
        #expect(notes == ["first"])
    }

    @Test func theDatabaseIsInWALModeWithFullSynchronousWrites() async throws {
        let (database, directory) = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (mode, synchronous) = try await database.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
    }

    @Test func keysAreScopedByCaller() async throws {
        let (database, directory) = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for caller in ["customer-a", "customer-b", "customer-a"] {
            _ = try await database.write { db in
                try IdempotencyLedger.perform(key: "1", caller: caller, method: Self.method, request: [9], in: db) {
                    db in
                    try db.execute(sql: "INSERT INTO effects (note) VALUES (?)", arguments: [caller])
                    return Array(caller.utf8)
                }
            }
        }
        let notes = try await database.read { db in try String.fetchAll(db, sql: "SELECT note FROM effects") }
        #expect(notes == ["customer-a", "customer-b"])
    }
}
