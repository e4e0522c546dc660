import GRDB

/// One versioned schema change of a service database: its identifier (recorded once applied,
/// never changed once shipped) and what it does, written once over ``SQLConnection`` so that it
/// runs on SQLite and PostgreSQL alike (``SQLConnection/sqlDialect`` covers the DDL
/// differences). Older migrations written for GRDB only are ``sqliteOnly(_:_:)``: a database
/// with one of those cannot be opened on PostgreSQL.
public struct SchemaMigration: Sendable {
    /// What a migration runs.
    enum Body: Sendable {
        /// Portable SQL.
        case portable(@Sendable (any SQLConnection) throws -> Void)
        /// GRDB only.
        case sqliteOnly(@Sendable (Database) throws -> Void)
    }

    /// Recorded once applied.
    public let identifier: String
    /// What it does.
    let body: Body

    /// A portable migration.
    public init(_ identifier: String, _ migrate: @escaping @Sendable (any SQLConnection) throws -> Void) {
        self.identifier = identifier
        body = .portable(migrate)
    }

    /// A migration written for SQLite (GRDB) only.
    public static func sqliteOnly(_ identifier: String, _ migrate: @escaping @Sendable (Database) throws -> Void)
        -> SchemaMigration
    {
        SchemaMigration(identifier: identifier, body: .sqliteOnly(migrate))
    }

    private init(identifier: String, body: Body) {
        self.identifier = identifier
        self.body = body
    }

    /// Whether it runs on PostgreSQL.
    public var isPortable: Bool {
        if case .portable = body { return true }
        return false
    }
}
