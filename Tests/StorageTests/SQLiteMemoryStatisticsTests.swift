import Foundation
import Storage
import Testing

/// SQLite's memory statistics are off in every process that links `Storage` (its dependency
/// `CSQLiteSettings` turns them off as the process loads, before anything can open a database;
/// the test sees it only through `Storage`'s ``SQLiteSettings``): with them on, each
/// of SQLite's allocations takes a process-wide mutex. Off, SQLite counts nothing, so the memory
/// it reports in use stays 0 while a database is open and read, which it never does with them on.
@Suite struct SQLiteMemoryStatisticsTests {
    @Test func sqliteCountsNoMemoryWhileADatabaseIsOpenAndRead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memstatus-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(
            directory: directory, name: "test",
            applying: [
                SchemaMigration("values") { db in try db.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT)") }
            ])
        defer { database.close() }
        try await database.transaction { db in try db.execute("INSERT INTO v VALUES (?, ?)", [1, "a row"]) }
        let rows = try await database.snapshot { db in try db.fetchRows("SELECT t FROM v WHERE id = ?", [1]) }
        #expect(rows.count == 1)
        #expect(SQLiteSettings.memoryStatisticsAreOff)
        #expect(SQLiteSettings.countedMemory == 0)
    }
}
