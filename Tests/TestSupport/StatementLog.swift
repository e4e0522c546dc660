import Synchronization

/// The SQL statements a connection ran, recorded from its trace callback (on any thread): a
/// deterministic count of what a command costs the database.
public final class StatementLog: Sendable {
    private let statements = Mutex<[String]>([])

    /// An empty log.
    public init() {}

    /// Records one statement (the sub-statements of triggers, which SQLite reports as comments,
    /// are left out).
    public func record(_ sql: String) {
        guard !sql.hasPrefix("--") else { return }
        statements.withLock { $0.append(sql) }
    }

    /// Forgets what was recorded.
    public func clear() { statements.withLock { $0.removeAll() } }

    /// What was recorded, in order.
    public var taken: [String] { statements.withLock { $0 } }
}
