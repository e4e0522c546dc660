/// An `INSERT` of rows of one shape into one table, written once for both backends: on SQLite
/// one cached statement per row (in-process, the cheapest there); on PostgreSQL every row in ONE
/// statement, each column bound as one array parameter (``SQLArray``) and unnested into rows. A
/// multi-row `VALUES` of the same rows has a text and a parameter count that grow with the batch,
/// and PostgreSQL spent most of such an insert parsing and planning it; the unnested statement is
/// the same few lines for any number of rows.
public struct SQLInsert: Sendable, Hashable {
    /// The table and its columns: `table (a, b, c)`.
    public let target: String
    /// The columns' types, in order.
    public let types: [SQLArray.Element]
    /// What follows the rows (an `ON CONFLICT` clause), or nothing.
    public let suffix: String

    /// An insert into `target` (`table (a, b, c)`) of rows of `types`, followed by `suffix`.
    public init(into target: String, types: [SQLArray.Element], suffix: String = "") {
        self.target = target
        self.types = types
        self.suffix = suffix
    }

    /// The statement of one row, `?` for each value.
    public var oneRow: String {
        "INSERT INTO \(target) VALUES (\(Array(repeating: "?", count: types.count).joined(separator: ", ")))\(suffix)"
    }

    /// The statement of any number of rows on PostgreSQL, one array parameter per column.
    public var unnested: String {
        let arrays = types.map { "?::\($0.postgresArrayType)" }.joined(separator: ", ")
        return "INSERT INTO \(target) SELECT * FROM unnest(\(arrays))\(suffix)"
    }

    /// Inserts `rows` (each of ``types``); returns how many rows were inserted or changed.
    @discardableResult
    public func run(_ rows: [[any SQLBindable]], on db: any SQLConnection) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        switch db.sqlDialect {
        case .sqlite:
            var changed = 0
            for row in rows { changed += try db.execute(oneRow, row) }
            return changed
        case .postgres:
            return try db.execute(unnested, try SQLArray.columns(of: rows, as: types))
        }
    }
}
