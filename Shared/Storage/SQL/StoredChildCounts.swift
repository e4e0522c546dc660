/// How many rows a case already has in each of its child tables, read in one statement: a save
/// appends only the children past those counts (lists that only grow, such as a conversation or
/// a log), so that a change writes its new rows and never rewrites the old ones.
public struct StoredChildCounts: Sendable {
    /// The statement, built once: one `COUNT(*)` per table.
    private let sql: String
    /// How many tables (each binds the case's key once).
    private let tables: Int

    /// Counts over `tables`, each keyed by its column `key` (such as `issue_id`).
    public init(tables: [String], key: String) {
        sql = "SELECT " + tables.map { "(SELECT COUNT(*) FROM \($0) WHERE \(key) = ?)" }.joined(separator: ", ")
        self.tables = tables.count
    }

    /// The counts of case `id`'s rows, in the order of the tables.
    public func counts(of id: String, in db: some SQLConnection) throws -> [Int] {
        guard let row = try db.fetchOne(sql, Array(repeating: id, count: tables)) else {
            return Array(repeating: 0, count: tables)
        }
        return try (0..<tables).map { try row.int($0) }
    }
}
