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

    /// The newest version, if any.
    static func latest(in db: some SQLConnection) throws -> RateTable? {
        guard
            let row = try db.fetchOne(
                "SELECT version, base, published_at FROM rate_tables ORDER BY version DESC LIMIT 1")
        else { return nil }
        let version = try row.int64(0)
        var entries: [String: RateTable.Entry] = [:]
        for entry in try db.fetchRows(
            "SELECT currency, minor_digits, rate_billionths FROM rate_entries WHERE version = ?", [version])
        {
            entries[try entry.string(0)] = RateTable.Entry(
                minorDigits: try entry.int(1), rate: ExchangeRate(billionths: try entry.int64(2)))
        }
        return RateTable(version: version, base: try row.string(1), entries: entries, publishedAt: try row.date(2))
    }
}
