/// A connection inside one transaction, on which a store runs its SQL: written once with `?`
/// placeholders, it runs on SQLite (GRDB's `Database`) and on PostgreSQL
/// (``PostgresSQLConnection``). Synchronous on purpose: a store's transaction body is plain code
/// that runs on a storage thread (never on a networking thread), so the domain and the store
/// protocols stay synchronous and the same on both backends.
public protocol SQLConnection {
    /// Which database this is, for the few statements that differ (``SQLDialect``).
    var sqlDialect: SQLDialect { get }

    /// Runs one statement with `arguments` bound to its `?` placeholders, in order; returns how
    /// many rows it inserted, changed or deleted.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int

    /// Runs one query with `arguments` bound to its `?` placeholders; returns every row.
    func fetchRows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow]
}

extension SQLConnection {
    /// Runs one statement without arguments.
    @discardableResult
    public func execute(_ sql: String) throws -> Int {
        try execute(sql, [])
    }

    /// Runs `statements` in order (DDL: one statement each, as PostgreSQL's extended protocol
    /// runs only one at a time).
    public func executeAll(_ statements: [String]) throws {
        for statement in statements { try execute(statement, []) }
    }

    /// Every row of a query without arguments.
    public func fetchRows(_ sql: String) throws -> [SQLRow] {
        try fetchRows(sql, [])
    }

    /// The first row `sql` selects, if any.
    public func fetchOne(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLRow? {
        try fetchRows(sql, arguments).first
    }

    /// The integer in the first column of the first row (0 when there is no row or it is NULL):
    /// for `COUNT(*)` and friends.
    public func fetchCount(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        guard let row = try fetchOne(sql, arguments), try !row.isNull(0) else { return 0 }
        return try row.int(0)
    }

    /// Holds a lock named `name` until the transaction ends, so that transactions on other
    /// replicas that take the same lock run one after the other (PostgreSQL:
    /// `pg_advisory_xact_lock`). On SQLite a no-op: its write transactions are already serialized.
    public func lock(named name: String) throws {
        guard sqlDialect == .postgres else { return }
        _ = try fetchRows("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [name])
    }
}
