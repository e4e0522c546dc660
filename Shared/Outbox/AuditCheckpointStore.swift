import CommonAPI
import Foundation
import GRDB
import Storage
import Wire

/// The latest Oversight checkpoint a service holds, in its own database: one row, replaced only
/// by a checkpoint of a later log position.
public enum AuditCheckpointStore {
    /// Creates the table (a runtime migration).
    @Sendable package static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE audit_checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    body BLOB NOT NULL
                )
                """)
    }

    /// Keeps `checkpoint` unless the one held already covers a later (or the same) position.
    public static func keep(_ checkpoint: AuditCheckpoint, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO audit_checkpoint (id, sequence, body) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, body = excluded.body
                WHERE excluded.sequence > audit_checkpoint.sequence
                """,
            arguments: [checkpoint.sequence, Data(checkpoint.serializedBytes())])
    }

    /// The checkpoint held, if any.
    public static func latest(in db: Database) throws -> AuditCheckpoint? {
        try AuditCheckpoint.fetchOne(db, sql: "SELECT body FROM audit_checkpoint WHERE id = 1")
    }
}
