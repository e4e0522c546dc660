import Logging
import NIOCore
import PostgresNIO

/// A PostgreSQL connection as a ``SQLConnection``, for one transaction's body on a storage
/// thread: each statement is sent through PostgresNIO and waited for on that thread (never on an
/// event loop: ``PostgresBackend`` runs bodies on threads of its own).
public struct PostgresSQLConnection: SQLConnection, Sendable {
    /// The PostgresNIO connection, checked out of the pool for this transaction.
    let connection: PostgresConnection
    /// Where PostgresNIO logs.
    let logger: Logger

    /// PostgreSQL.
    public var sqlDialect: SQLDialect { .postgres }

    /// Runs one statement; returns how many rows it inserted, changed or deleted.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        let result = try run(Self.query(sql, arguments))
        return result.metadata.rows ?? 0
    }

    /// Runs one query; returns every row.
    public func fetchRows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let result = try run(Self.query(sql, arguments))
        return try result.rows.map { row in
            var values: [SQLValue] = []
            for cell in row {
                values.append(try Self.value(of: cell))
            }
            return SQLRow(values)
        }
    }

    /// Runs `query` and waits for its result. PostgresNIO never answers a query written to a
    /// connection that is already closed (its `ROLLBACK` after the connection was cut mid-body
    /// would wait forever, and the call until its deadline), so the query is sent from the
    /// connection's event loop, where a closed connection is seen before writing: it fails
    /// with ``DatabaseUnavailableError`` (UNAVAILABLE), and a query written to an open one is
    /// failed by PostgresNIO if the connection closes later.
    private func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let (connection, logger) = (connection, logger)
        return try connection.eventLoop.flatSubmit {
            guard !connection.isClosed else {
                return connection.eventLoop.makeFailedFuture(DatabaseUnavailableError())
            }
            return connection.query(query, logger: logger)
        }.wait()
    }

    /// The PostgresNIO query for `sql` (placeholders rewritten) with `arguments` bound.
    static func query(_ sql: String, _ arguments: [any SQLBindable]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .real(let double): bindings.append(double)
            case .text(let string): bindings.append(string)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .array(let array): bindings.append(PostgresArrayBinding(array: array))
            }
        }
        return PostgresQuery(unsafeSQL: SQLDialect.postgres.placeholders(sql), binds: bindings)
    }

    /// The value of one result cell, by its PostgreSQL type.
    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return .integer(try cell.decode(Int64.self))
        case .bool:
            return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8:
            return .real(try cell.decode(Double.self))
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Array(buffer.readableBytesView))
        case .text, .varchar, .name, .bpchar:
            return .text(try cell.decode(String.self))
        default:
            if let text = try? cell.decode(String.self) { return .text(text) }
            return .blob(cell.bytes.map { Array($0.readableBytesView) } ?? [])
        }
    }
}
