import Foundation
import Storage
import TestSupport
import Testing

/// ``SQLInsert`` writes the same rows on both backends (one statement per row on SQLite, one
/// statement of unnested array parameters on PostgreSQL): NULLs, empty and non-ASCII text, bytes,
/// extreme integers and doubles come back exactly, and its `ON CONFLICT` clause applies to each
/// row. An array bound on SQLite, or a value of another kind in a column, fails instead of
/// binding something else.
@Suite struct SQLInsertTests {
    static let table = SchemaMigration("test-1-values") { db in
        try db.execute(
            """
            CREATE TABLE vals (
                id BIGINT PRIMARY KEY, r DOUBLE PRECISION, t TEXT, b \(db.sqlDialect.blob), hits BIGINT NOT NULL DEFAULT 1
            )
            """)
    }

    static let insert = SQLInsert(
        into: "vals (id, r, t, b)", types: [.integer, .real, .text, .blob],
        suffix: " ON CONFLICT (id) DO UPDATE SET hits = vals.hits + 1")

    static var rows: [[any SQLBindable]] {
        [
            [Int64.max, 1.5, "plain", [UInt8]([0, 1, 255])],
            [Int64.min, -2.25e-300, "", [UInt8]([7])],
            [Int64(0), Double?.none, "ünïcode ✓ 'quote' \"double\" ? $1", [UInt8]?.none],
            [Int64(7), Double.greatestFiniteMagnitude, String?.none, [UInt8](repeating: 0xAB, count: 10_000)],
        ]
    }

    /// What `vals` holds after ``rows`` were inserted, then their first two again.
    static let expected: [SQLRow] = [
        SQLRow([.integer(Int64.min), .real(-2.25e-300), .text(""), .blob([7]), .integer(2)]),
        SQLRow([.integer(0), .null, .text("ünïcode ✓ 'quote' \"double\" ? $1"), .null, .integer(1)]),
        SQLRow([
            .integer(7), .real(Double.greatestFiniteMagnitude), .null, .blob([UInt8](repeating: 0xAB, count: 10_000)),
            .integer(1),
        ]),
        SQLRow([.integer(Int64.max), .real(1.5), .text("plain"), .blob([0, 1, 255]), .integer(2)]),
    ]

    /// Inserts ``rows``, then the first two again; returns the table.
    static func insertAndRead(_ database: ServiceDatabase) async throws -> [SQLRow] {
        let inserted = try await database.transaction { db in try Self.insert.run(Self.rows, on: db) }
        #expect(inserted == 4)
        let again = try await database.transaction { db in try Self.insert.run(Array(Self.rows.prefix(2)), on: db) }
        #expect(again == 2)
        let none = try await database.transaction { db in try Self.insert.run([], on: db) }
        #expect(none == 0)
        return try await database.snapshot { db in try db.fetchRows("SELECT id, r, t, b, hits FROM vals ORDER BY id") }
    }

    @Test func rowsAreWrittenOneByOneOnSQLite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sql-insert-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(directory: directory, name: "test", applying: [Self.table])
        defer { database.close() }
        #expect(try await Self.insertAndRead(database) == Self.expected)
        // An array parameter is PostgreSQL's: SQLite refuses it rather than binding something else.
        let refused = await #expect(throws: PostgresOnlyError.self) {
            try await database.transaction { db in
                try db.fetchRows("SELECT ?", [try SQLArray(column: 0, of: [[Int64(1)]], as: .integer)])
            }
        }
        #expect(refused != nil)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func rowsAreWrittenAsArraysInOneStatementOnPostgreSQL() async throws {
        let url = try await PostgresTestDatabase.create()
        let database = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 2),
            applying: [Self.table])
        defer { database.close() }
        #expect(try await Self.insertAndRead(database) == Self.expected)
        // Arrays of every kind, with NULLs and empty, read back element by element.
        let rows: [[any SQLBindable]] = [
            [Int64(-1), 0.5, "a", [UInt8]([1])], [Int64?.none, Double?.none, "", [UInt8]()],
        ]
        let arrays = try SQLArray.columns(of: rows, as: [.integer, .real, .text, .blob])
        let read = try await database.snapshot { db in
            try db.fetchRows(
                """
                SELECT a, r, t, b, array_length(?::bigint[], 1)
                FROM unnest(?::bigint[], ?::double precision[], ?::text[], ?::bytea[]) AS x (a, r, t, b)
                """, [try SQLArray(column: 0, of: [], as: .integer)] + arrays)
        }
        #expect(
            read == [
                SQLRow([.integer(-1), .real(0.5), .text("a"), .blob([1]), .null]),
                SQLRow([.null, .null, .text(""), .blob([]), .null]),
            ])
    }

    @Test func aValueOfAnotherKindIsRefused() {
        #expect(throws: StoredValueError.self) {
            try SQLArray(column: 0, of: [[Int64(1)], ["text"]], as: .integer)
        }
        #expect(throws: StoredValueError.self) {
            try SQLArray.columns(of: [[Int64(1)]], as: [.integer, .text])
        }
    }
}
