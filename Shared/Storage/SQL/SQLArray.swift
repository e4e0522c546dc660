/// A column of values bound as ONE PostgreSQL array parameter, for statements such as
/// `INSERT INTO t (a, b) SELECT * FROM unnest(?::bigint[], ?::text[])`: a batch of rows is then
/// one short statement, parsed and planned in microseconds whatever its number of rows, instead
/// of a multi-row `VALUES` whose text and parameter count grow with the batch (and whose parse
/// dominated bulk inserts). PostgreSQL only: SQLite has no arrays, and binding one there fails
/// with ``PostgresOnlyError``.
public struct SQLArray: Sendable, Hashable {
    /// The SQL type of an array's elements.
    public enum Element: Sendable, Hashable {
        /// BIGINT (booleans as 0 and 1, as ``SQLValue/integer(_:)``).
        case integer
        /// DOUBLE PRECISION.
        case real
        /// TEXT.
        case text
        /// BYTEA.
        case blob

        /// The PostgreSQL type of an array of these.
        public var postgresArrayType: String {
            switch self {
            case .integer: "bigint[]"
            case .real: "double precision[]"
            case .text: "text[]"
            case .blob: "bytea[]"
            }
        }
    }

    /// The type of the elements.
    public let element: Element
    /// The elements, each NULL or of kind ``element``.
    public let values: [SQLValue]

    /// Column `column` of `rows` (each row as bound to a multi-row statement) as an array of
    /// `element`s. Throws ``StoredValueError`` if a row is too short or a value is of another
    /// kind (a store's programming error, INTERNAL, not a wrong array).
    public init(column: Int, of rows: [[any SQLBindable]], as element: Element) throws(StoredValueError) {
        var values: [SQLValue] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            guard row.indices.contains(column) else { throw StoredValueError(column: column, expected: "a column") }
            let value = row[column].sqlValue
            guard Self.value(value, isA: element) else {
                throw StoredValueError(column: column, expected: "\(element)")
            }
            values.append(value)
        }
        self.element = element
        self.values = values
    }

    /// The columns of `rows`, one array per entry of `elements` (each column's element type).
    public static func columns(of rows: [[any SQLBindable]], as elements: [Element]) throws(StoredValueError)
        -> [SQLArray]
    {
        var columns: [SQLArray] = []
        for (index, element) in elements.enumerated() {
            columns.append(try SQLArray(column: index, of: rows, as: element))
        }
        return columns
    }

    /// Whether `value` may be an element of an array of `element`s.
    static func value(_ value: SQLValue, isA element: Element) -> Bool {
        switch (value, element) {
        case (.null, _), (.integer, .integer), (.real, .real), (.text, .text), (.blob, .blob): true
        default: false
        }
    }
}

extension SQLArray: SQLBindable {
    /// As an array.
    public var sqlValue: SQLValue { .array(self) }
}
