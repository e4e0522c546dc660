import Foundation
import GRDB

/// GRDB's connection is a ``SQLConnection``: statements are prepared once per connection and
/// cached, values map one to one (INTEGER, REAL, TEXT, BLOB).
extension Database: SQLConnection {
    /// SQLite.
    public var sqlDialect: SQLDialect { .sqlite }

    /// Runs one statement; returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        let statement = try cachedStatement(sql: sql)
        try statement.execute(arguments: try Self.statementArguments(arguments))
        return changesCount
    }

    /// Runs one query; returns every row.
    public func fetchRows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: try Self.statementArguments(arguments))
        // Each column read straight off the statement (not through `Row`'s generic decoding).
        let columns = CInt(statement.columnCount)
        let sqliteStatement = statement.sqliteStatement
        var rows: [SQLRow] = []
        while try cursor.next() != nil {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for index in 0..<columns {
                switch DatabaseValue(sqliteStatement: sqliteStatement, index: index).storage {
                case .null: values.append(.null)
                case .int64(let integer): values.append(.integer(integer))
                case .double(let double): values.append(.real(double))
                case .string(let string): values.append(.text(string))
                case .blob(let data): values.append(.blob([UInt8](data)))
                }
            }
            rows.append(SQLRow(values))
        }
        return rows
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
