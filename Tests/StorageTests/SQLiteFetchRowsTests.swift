import Foundation
import Storage
import Testing

/// `fetchRows` on SQLite steps read-only statements straight through SQLite with its own
/// bindings: every kind of value goes in and comes back as it was (empty text and empty bytes
/// stay empty, not NULL; text is bound as GRDB binds it, so text with a NUL byte finds what GRDB
/// wrote for it), a wrong number of arguments is an error, and the statement serves the next
/// read with that read's arguments.
@Suite struct SQLiteFetchRowsTests {
    static func withDatabase(_ body: (ServiceDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-rows-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(
            directory: directory, name: "test",
            applying: [
                SchemaMigration("values") { db in
                    try db.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, b BLOB, r REAL, n INTEGER)")
                }
            ])
        defer { database.close() }
        try await body(database)
    }

    @Test func everyKindOfValueIsBoundAndReadBackUnchanged() async throws {
        try await Self.withDatabase { database in
            let rows: [[SQLRow]] = try await database.transaction { db in
                try db.execute(
                    "INSERT INTO v VALUES (?, ?, ?, ?, ?)", [1, "", [UInt8](), 0.5, Int64?.none])
                try db.execute(
                    "INSERT INTO v VALUES (?, ?, ?, ?, ?)", [2, "a\u{0}b ü", [UInt8]([0, 1, 2]), -1.25, Int64.max])
                return []
            }
            #expect(rows.isEmpty)
            let read = try await database.snapshot { db in
                let sql = "SELECT id, t, b, r, n FROM v WHERE id = ? AND t = ? AND b = ?"
                return [
                    try db.fetchRows(sql, [1, "", [UInt8]()]),
                    try db.fetchRows(sql, [2, "a\u{0}b ü", [UInt8]([0, 1, 2])]),
                    try db.fetchRows(sql, [2, "b", [UInt8]([0, 1, 2])]),
                ]
            }
            #expect(read[0] == [SQLRow([.integer(1), .text(""), .blob([]), .real(0.5), .null])])
            // GRDB writes text up to its first NUL byte; a read with the same text finds it.
            #expect(
                read[1] == [SQLRow([.integer(2), .text("a"), .blob([0, 1, 2]), .real(-1.25), .integer(Int64.max)])])
            #expect(read[2].isEmpty)
        }
    }

    @Test func aWrongNumberOfArgumentsIsAnErrorAndTheNextReadIsRight() async throws {
        try await Self.withDatabase { database in
            _ = try await database.transaction { db in
                try db.execute("INSERT INTO v (id, t) VALUES (?, ?)", [1, "one"])
            }
            let sql = "SELECT t FROM v WHERE id = ?"
            await #expect(throws: (any Error).self) {
                _ = try await database.snapshot { db in try db.fetchRows(sql, [1, 2]) }
            }
            await #expect(throws: (any Error).self) {
                _ = try await database.snapshot { db in try db.fetchRows(sql, []) }
            }
            let rows = try await database.snapshot { db in try db.fetchRows(sql, [1]) }
            #expect(rows == [SQLRow([.text("one")])])
        }
    }

    /// Text SQLite made itself (not bound by us or GRDB) reads back whole: a NUL byte inside it is
    /// kept (it was cut there when read as a C string), invalid UTF-8 becomes U+FFFD as before,
    /// empty text stays empty text, and a megabyte arrives complete; a blob cast to text too.
    @Test func textSQLiteMadeItselfReadsBackWhole() async throws {
        try await Self.withDatabase { database in
            _ = try await database.transaction { db in
                try db.execute(
                    """
                    INSERT INTO v (id, t) VALUES (1, CAST(x'610062' AS TEXT)), (2, CAST(x'ff61c3' AS TEXT)),
                    (3, ''), (4, replace(hex(zeroblob(524288)), '0', 'z')), (5, 'x' || CAST(x'00' AS TEXT))
                    """, [])
            }
            let rows = try await database.snapshot { db in try db.fetchRows("SELECT t FROM v ORDER BY id", []) }
            #expect(rows.count == 5)
            #expect(rows.first == SQLRow([.text("a\u{0}b")]))
            #expect(rows.dropFirst(1).first == SQLRow([.text("\u{FFFD}a\u{FFFD}")]))
            #expect(rows.dropFirst(2).first == SQLRow([.text("")]))
            #expect(rows.dropFirst(3).first == SQLRow([.text(String(repeating: "z", count: 1_048_576))]))
            #expect(rows.dropFirst(4).first == SQLRow([.text("x\u{0}")]))
        }
    }
}
