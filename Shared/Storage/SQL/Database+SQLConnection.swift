import Foundation
import GRDB
import GRDBSQLite

/// GRDB's connection is a ``SQLConnection``: statements are prepared once per connection and
/// cached, values map one to one (INTEGER, REAL, TEXT, BLOB).
extension Database: SQLConnection {
    /// SQLite.
    public var sqlDialect: SQLDialect { .sqlite }

    /// Runs one statement; returns how many rows it changed.
    ///
    /// A row change (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`) inside a transaction is bound and
    /// stepped straight through SQLite, as reads are (``fetchRows(_:_:)``): GRDB's
    /// `StatementArguments` converted each value twice through existentials, about 5% of a serial
    /// `ReportIssue`'s writer time (service-profile.md, sixteenth pass). What GRDB does around a
    /// statement is not needed for those: they change neither the schema nor the transaction, and
    /// no transaction observer is registered on a service's database. Outside a transaction a
    /// statement goes through GRDB, so that one run after its transaction was aborted (SQLite
    /// rolls a whole transaction back on some errors) fails with GRDB's "Transaction was aborted"
    /// instead of committing on its own; so do schema changes, pragmas and transaction control.
    ///
    /// One thing GRDB does not see: when a change stepped here fails in a way that rolls the
    /// whole transaction back (a full disk, a trigger's `RAISE(ROLLBACK)`), GRDB's private note
    /// of the connection's autocommit state stays "in a transaction" until a statement run
    /// through GRDB fails or succeeds outside a transaction block. All it feeds is
    /// `Database.transactionDate` (the next transaction would keep the aborted one's date),
    /// which nothing here uses; the abort itself is seen (the next statement goes through GRDB,
    /// which throws SQLITE_ABORT, and the transaction fails: `SQLiteExecuteTests`).
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        let statement = try cachedStatement(sql: sql)
        guard changesRowsInTransaction(sql) else {
            try statement.execute(arguments: try Self.statementArguments(arguments))
            return changesCount
        }
        try step(statement, arguments, sql: sql) { _ in }
        return Int(sqlite3_changes64(sqliteConnection))
    }

    /// Whether `sql` is a row change run inside a transaction: what is stepped straight through
    /// SQLite besides reads (see ``execute(_:_:)``).
    private func changesRowsInTransaction(_ sql: String) -> Bool {
        sqlite3_get_autocommit(sqliteConnection) == 0 && Self.changesRowsOnly(sql)
    }

    /// Whether `sql` is a row change: its first word, after any white space and in any case, is
    /// `INSERT`, `UPDATE`, `DELETE` or `REPLACE`. Anything else (a `WITH` before a change
    /// included) is left to GRDB. (The word is packed into an integer: no allocation per call.)
    package static func changesRowsOnly(_ sql: String) -> Bool {
        var word: UInt64 = 0
        var length = 0
        for byte in sql.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                if length > 0 { return rowChanges.contains(word) }
            case UInt8(ascii: "a")...UInt8(ascii: "z"): word = word << 8 | UInt64(byte - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word = word << 8 | UInt64(byte)
            default: return false
            }
            if byte > UInt8(ascii: " ") {
                length += 1
                if length > 7 { return false }
            }
        }
        return false
    }

    /// The first words of a row change, upper-cased and packed as ``changesRowsOnly(_:)`` packs them.
    private static let rowChanges: [UInt64] = ["INSERT", "UPDATE", "DELETE", "REPLACE"].map { word in
        word.utf8.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Runs one query; returns every row. A read-only statement (every `SELECT`) is stepped
    /// straight through SQLite: GRDB's row cursor builds a `Row` per fetch, with a dictionary of
    /// its column names, which cost more than the statement's own work in the profile of a
    /// `GetOrder` under load (service-profile.md). So is a row change returning rows
    /// (`INSERT ... RETURNING`, such as the per-case event numbers every command takes) inside a
    /// transaction, for the reasons ``execute(_:_:)`` gives; other statements, and row changes
    /// outside a transaction, go through GRDB.
    public func fetchRows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        guard statement.isReadonly || changesRowsInTransaction(sql) else {
            return try fetchRowsThroughGRDB(statement, arguments)
        }
        let columns = CInt(statement.columnCount)
        var rows: [SQLRow] = []
        try step(statement, arguments, sql: sql) { row in rows.append(Self.row(of: row, columns: columns)) }
        return rows
    }

    /// Binds `arguments` to `statement` and steps it straight through SQLite to its end, handing
    /// each row to `eachRow`; the statement is reset and its bindings cleared afterwards, whatever
    /// happened (so GRDB finds it as it left it), and held until then (GRDB's cache alone keeps
    /// it otherwise).
    private func step(
        _ statement: Statement, _ arguments: [any SQLBindable], sql: String, eachRow: (SQLiteStatement) -> Void
    ) throws {
        try withExtendedLifetime(statement) {
            let sqliteStatement = statement.sqliteStatement
            try bind(arguments, to: sqliteStatement, sql: sql)
            defer {
                sqlite3_reset(sqliteStatement)
                sqlite3_clear_bindings(sqliteStatement)
            }
            while true {
                let code = sqlite3_step(sqliteStatement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw failure(code, sql: sql) }
                eachRow(sqliteStatement)
            }
        }
    }

    /// Binds `arguments` to `sqliteStatement`'s `?` placeholders, in order, straight through
    /// SQLite (text and blobs copied), after resetting it; throws if their number differs. (GRDB's
    /// `StatementArguments` converts each value twice more, through existentials.) Bindings made
    /// here are cleared after the statement ran, so GRDB never runs it with them.
    private func bind(_ arguments: [any SQLBindable], to sqliteStatement: SQLiteStatement, sql: String) throws {
        sqlite3_reset(sqliteStatement)
        let placeholders = sqlite3_bind_parameter_count(sqliteStatement)
        guard placeholders == CInt(arguments.count) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "wrong number of statement arguments: \(arguments.count) for \(placeholders) placeholders",
                sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch argument.sqlValue {
            case .null: code = sqlite3_bind_null(sqliteStatement, index)
            case .integer(let integer): code = sqlite3_bind_int64(sqliteStatement, index, integer)
            case .real(let double): code = sqlite3_bind_double(sqliteStatement, index, double)
            case .text(let string):
                // As a C string, as GRDB binds text (its writes too): the same text finds the same rows.
                code = sqlite3_bind_text(sqliteStatement, index, string, -1, transient)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { blob in
                    blob.count == 0
                        ? sqlite3_bind_zeroblob(sqliteStatement, index, 0)
                        : sqlite3_bind_blob(sqliteStatement, index, blob.baseAddress, CInt(blob.count), transient)
                }
            case .array: throw PostgresOnlyError()
            }
            guard code == SQLITE_OK else { throw failure(code, sql: sql) }
        }
    }

    /// The error SQLite reported with result `code` for `sql` (its message as SQLite gives it).
    private func failure(_ code: CInt, sql: String) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql
        )
    }

    /// Every row of `statement` (one that may change the database), through GRDB's cursor.
    private func fetchRowsThroughGRDB(_ statement: Statement, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let cursor = try Row.fetchCursor(statement, arguments: try Self.statementArguments(arguments))
        let columns = CInt(statement.columnCount)
        var rows: [SQLRow] = []
        while try cursor.next() != nil {
            rows.append(Self.row(of: statement.sqliteStatement, columns: columns))
        }
        return rows
    }

    /// The current row of `sqliteStatement`, each column read straight off the statement. Text
    /// is read through `sqlite3_column_blob` with its length, not `sqlite3_column_text`: SQLite
    /// copies a text value into a buffer of its own to add the terminating NUL that
    /// `sqlite3_column_text` promises (a `malloc` per text column per row, the most frequent in a
    /// `GetOrderStatus` under load), and `String(cString:)` then scans for it. The text compared
    /// is the same: every text reaches SQLite bound as a C string (here and through GRDB), so none
    /// holds a NUL. Blobs are copied once, not through `Data`.
    private static func row(of sqliteStatement: SQLiteStatement, columns: CInt) -> SQLRow {
        var values: [SQLValue] = []
        values.reserveCapacity(Int(columns))
        for index in 0..<columns {
            switch sqlite3_column_type(sqliteStatement, index) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(sqliteStatement, index)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(sqliteStatement, index)))
            case SQLITE_TEXT: values.append(.text(String(decoding: bytes(sqliteStatement, index), as: UTF8.self)))
            case SQLITE_BLOB: values.append(.blob([UInt8](bytes(sqliteStatement, index))))
            default: values.append(.null)
            }
        }
        return SQLRow(values)
    }

    /// A text or blob column's bytes as SQLite holds them (valid until the statement moves on).
    private static func bytes(_ sqliteStatement: SQLiteStatement, _ index: CInt) -> UnsafeRawBufferPointer {
        // `sqlite3_column_bytes` after `sqlite3_column_blob`, as SQLite asks: the length of the
        // value the pointer points to. An empty value comes back as a null pointer.
        let start = sqlite3_column_blob(sqliteStatement, index)
        let count = Int(sqlite3_column_bytes(sqliteStatement, index))
        guard let start, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: start, count: count)
    }

    /// `arguments` as GRDB binds them (an array, PostgreSQL only, throws ``PostgresOnlyError``).
    private static func statementArguments(_ arguments: [any SQLBindable]) throws -> StatementArguments {
        StatementArguments(
            try arguments.map { argument -> (any DatabaseValueConvertible)? in
                switch argument.sqlValue {
                case .null: nil
                case .integer(let integer): integer
                case .real(let double): double
                case .text(let string): string
                case .blob(let bytes): Data(bytes)
                case .array: throw PostgresOnlyError()
                }
            })
    }
}

/// SQLite's `SQLITE_TRANSIENT`: the value bound is copied before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
