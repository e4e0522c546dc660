/// One value bound to or read from a SQL statement, the same on SQLite and PostgreSQL: the
/// store's columns use only these kinds (BIGINT, DOUBLE PRECISION, TEXT, BLOB/BYTEA), so one
/// statement written once reads and writes the same model on both backends.
public enum SQLValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit integer (SQLite INTEGER, PostgreSQL BIGINT; booleans are stored as 0 and 1).
    case integer(Int64)
    /// A double (SQLite REAL, PostgreSQL DOUBLE PRECISION); timestamps are seconds since 1970.
    case real(Double)
    /// Text (UTF-8).
    case text(String)
    /// Bytes (SQLite BLOB, PostgreSQL BYTEA).
    case blob([UInt8])
    /// A column of values bound as one array parameter (PostgreSQL only, never read back: see
    /// ``SQLArray``).
    case array(SQLArray)
}
