import Foundation
import GRDB
import Wire

/// The one way a stored row's protobuf body (a BLOB column) becomes a message again, and the
/// queries that select such bodies. A body that does not decode throws the codec's error.
extension WireMessage {
    /// The message whose encoding a row stored as `body`.
    public init(storedBytes body: Data) throws {
        try self.init(serializedBytes: [UInt8](body))
    }

    /// The messages stored in the first column of the rows `sql` selects, in order.
    public static func fetchAll(
        _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> [Self] {
        try Data.fetchAll(db, sql: sql, arguments: arguments).map { try Self(storedBytes: $0) }
    }

    /// The message stored in the first column of the first row `sql` selects; nil if none.
    public static func fetchOne(
        _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> Self? {
        try Data.fetchOne(db, sql: sql, arguments: arguments).map { try Self(storedBytes: $0) }
    }
}
