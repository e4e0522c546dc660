import Foundation
import InquiriesDomain
import Storage
import SupportPolicy

/// How a published rate table is kept: a row of `rate_tables` per version and its currencies as
/// rows of `rate_entries`. The same SQL on SQLite and PostgreSQL.
enum RateTableRows {
    /// Stores one published version.
    static func insert(_ table: RateTable, in db: some SQLConnection) throws {
        try db.execute(
            "INSERT INTO rate_tables (version, base, published_at) VALUES (?, ?, ?)",
            [table.version, table.base, table.publishedAt])
        for (currency, entry) in table.entries.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                "INSERT INTO rate_entries (version, currency, minor_digits, rate_billionths) VALUES (?, ?, ?, ?)",
                [table.version, currency, entry.minorDigits, entry.rate.billionths])
        }
    }

    /// The newest version, if any: its row and its entries in one statement (one step through
    /// SQLite per entry, no second query), the same SQL on both backends. With `cache` (read-only
    /// snapshots only, see ``RateTableCache``), one single-row statement finds the newest version,
    /// and its entries are read and decoded only when that version is not the one kept.
    static func latest(in db: some SQLConnection, cache: RateTableCache? = nil) throws -> RateTable? {
        guard let cache else { return try table(from: db.fetchRows(latestSQL)) }
        guard let version = try db.fetchRows(newestVersionSQL).first?.optionalInt64(0) else { return nil }
        if let kept = cache.table(version: version) { return kept }
        guard let table = try table(from: db.fetchRows(versionSQL, [version])) else { return nil }
        cache.keep(table)
        return table
    }

    /// About how many bytes a ``Storage/ReadCache`` entry holding `table` takes
    /// (``Storage/MemoryEstimate``): the entry, the base's text and the entries' table (currency
    /// codes are short enough to be kept inline), counted as a dictionary just grown.
    static func cost(of table: RateTable) -> Int {
        MemoryEstimate.cacheEntry(key: String.self, value: RateTable.self) + MemoryEstimate.heap(table.base)
            + MemoryEstimate.allocation(
                64 + 2 * table.entries.count * (MemoryLayout<String>.stride + MemoryLayout<RateTable.Entry>.stride + 1))
    }

    /// The table in `rows` (its row with each of its entries), nil if there are none.
    private static func table(from rows: [SQLRow]) throws -> RateTable? {
        guard let first = rows.first else { return nil }
        var entries: [String: RateTable.Entry] = [:]
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard try !row.isNull(3) else { continue }
            entries[try row.string(3)] = RateTable.Entry(
                minorDigits: try row.int(4), rate: ExchangeRate(billionths: try row.int64(5)))
        }
        return RateTable(
            version: try first.int64(0), base: try first.string(1), entries: entries, publishedAt: try first.date(2))
    }

    /// The newest version's number (NULL when none was published).
    private static let newestVersionSQL = "SELECT MAX(version) FROM rate_tables"

    /// One version's row with each of its entries (as ``latestSQL``).
    private static let versionSQL = """
        SELECT t.version, t.base, t.published_at, e.currency, e.minor_digits, e.rate_billionths
        FROM rate_tables t LEFT JOIN rate_entries e ON e.version = t.version
        WHERE t.version = ?
        """

    /// The newest table's row with each of its entries (one row with NULL entry columns for a
    /// table without entries).
    private static let latestSQL = """
        SELECT t.version, t.base, t.published_at, e.currency, e.minor_digits, e.rate_billionths
        FROM rate_tables t LEFT JOIN rate_entries e ON e.version = t.version
        WHERE t.version = (SELECT MAX(version) FROM rate_tables)
        """
}
