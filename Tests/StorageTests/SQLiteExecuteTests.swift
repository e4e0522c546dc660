import Foundation
import GRDB
import Storage
import Testing

/// `execute` on SQLite steps a row change inside a transaction straight through SQLite with its
/// own bindings (as `fetchRows` steps reads) and leaves everything else to GRDB: the change and
/// its count are what GRDB's path gives, a failing change is SQLite's error and the statement
/// serves the next change, and only a statement whose first word is a row change takes that path.
@Suite struct SQLiteExecuteTests {
    @Test(arguments: [
        ("INSERT INTO v VALUES (?)", true), ("  insert into v values (?)", true), ("\n\tUPDATE v SET t = ?", true),
        ("delete FROM v", true), ("REPLACE INTO v VALUES (?)", true), ("WITH x AS (SELECT 1) INSERT INTO v", false),
        ("CREATE TABLE w (id)", false), ("PRAGMA synchronous = FULL", false), ("SELECT 1", false),
        ("INSERTS", false), ("INSERT(", false), ("", false), ("   ", false), ("DELETE", false),
        ("SAVEPOINT s", false), ("COMMIT", false),
    ])
    func onlyARowChangeIsSteppedDirectly(_ sql: String, _ direct: Bool) {
        #expect(Database.changesRowsOnly(sql) == direct)
    }

    @Test func aRowChangeCountsWhatItChangedAndAFailedOneLeavesTheStatementUsable() async throws {
        try await SQLiteFetchRowsTests.withDatabase { database in
            let counts = try await database.transaction { db in
                [
                    try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [1, "one"]),
                    try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [2, "two"]),
                    try db.execute("UPDATE v SET n = ? WHERE id >= ?", [7, 1]),
                    try db.execute("DELETE FROM v WHERE id = ?", [3]),
                ]
            }
            #expect(counts == [1, 1, 2, 0])
            let failure = await #expect(throws: DatabaseError.self) {
                _ = try await database.transaction { db in
                    try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [1, "again"])
                }
            }
            #expect(failure?.resultCode == .SQLITE_CONSTRAINT)
            _ = try await database.transaction { db in
                try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [3, "three"])
            }
            let rows = try await database.snapshot { db in try db.fetchRows("SELECT id, t, n FROM v ORDER BY id", []) }
            #expect(
                rows == [
                    SQLRow([.integer(1), .text("one"), .integer(7)]), SQLRow([.integer(2), .text("two"), .integer(7)]),
                    SQLRow([.integer(3), .text("three"), .null]),
                ])
        }
    }

    /// A change stepped directly that makes SQLite roll the whole transaction back (here a
    /// trigger's `RAISE(ROLLBACK)`) is not mistaken for a statement that merely failed: the next
    /// statement of the transaction fails with SQLITE_ABORT, nothing of it is committed (not even
    /// what ran before the abort), and the next transaction runs as usual.
    @Test func aChangeThatRollsTheTransactionBackFailsItWhole() async throws {
        try await SQLiteFetchRowsTests.withDatabase { database in
            _ = try await database.transaction { db in
                try db.execute(
                    """
                    CREATE TRIGGER refuse BEFORE INSERT ON v WHEN NEW.t = 'abort'
                    BEGIN SELECT RAISE(ROLLBACK, 'refused'); END
                    """, [])
            }
            let failure = await #expect(throws: DatabaseError.self) {
                _ = try await database.transaction { db in
                    try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [1, "before"])
                    let refused = Result { try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [2, "abort"]) }
                    #expect(throws: DatabaseError.self) { try refused.get() }
                    return try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [3, "after"])
                }
            }
            #expect(failure?.resultCode == .SQLITE_ABORT)
            _ = try await database.transaction { db in
                try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [4, "next"])
            }
            let rows = try await database.snapshot { db in try db.fetchRows("SELECT id, t FROM v ORDER BY id", []) }
            #expect(rows == [SQLRow([.integer(4), .text("next")])])
        }
    }

    /// A row change returning rows inside a transaction (stepped directly, as every command's
    /// per-case event numbers are taken) returns what it changed and counts with its
    /// transaction: committed with it, rolled back with it; outside a transaction it goes
    /// through GRDB and gives the same.
    @Test func aChangeReturningRowsGivesThemAndCommitsOrRollsBackWithItsTransaction() async throws {
        struct Refused: Error {}
        try await SQLiteFetchRowsTests.withDatabase { database in
            let upsert = "INSERT INTO v (id, n) VALUES (?, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1 RETURNING id, n"
            let numbers = try await database.transaction { db in
                [try db.fetchRows(upsert, [1]), try db.fetchRows(upsert, [1]), try db.fetchRows(upsert, [2])]
            }
            #expect(
                numbers == [
                    [SQLRow([.integer(1), .integer(1)])], [SQLRow([.integer(1), .integer(2)])],
                    [SQLRow([.integer(2), .integer(1)])],
                ])
            await #expect(throws: Refused.self) {
                _ = try await database.transaction { db in
                    _ = try db.fetchRows(upsert, [1])
                    throw Refused()
                }
            }
            let outside = try await database.pool.writeWithoutTransaction { db in try db.fetchRows(upsert, [1]) }
            #expect(outside == [SQLRow([.integer(1), .integer(3)])])
            let rows = try await database.snapshot { db in try db.fetchRows("SELECT id, n FROM v ORDER BY id", []) }
            #expect(rows == [SQLRow([.integer(1), .integer(3)]), SQLRow([.integer(2), .integer(1)])])
        }
    }
}
