import CommonAPI
import Foundation
import Storage
import Wire

/// The latest Oversight checkpoint a service holds, in its own database: one row, replaced only
/// by a checkpoint of a later log position.
public enum AuditCheckpointStore {
    /// Creates the table (a runtime migration).
    @Sendable package static func createTable(_ db: any SQLConnection) throws {
        try db.execute(
            """
            CREATE TABLE audit_checkpoint (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                sequence BIGINT NOT NULL,
                body \(db.sqlDialect.blob) NOT NULL
            )
            """)
    }

    /// Keeps `checkpoint` unless the one held already covers a later (or the same) position.
    public static func keep(_ checkpoint: AuditCheckpoint, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO audit_checkpoint (id, sequence, body) VALUES (1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, body = excluded.body
            WHERE excluded.sequence > audit_checkpoint.sequence
            """,
            [checkpoint.sequence, checkpoint.serializedBytes()])
    }

    /// The checkpoint held, if any.
    public static func latest(in db: some SQLConnection) throws -> AuditCheckpoint? {
        guard let row = try db.fetchOne("SELECT body FROM audit_checkpoint WHERE id = 1") else { return nil }
        return try AuditCheckpoint(serializedBytes: row.bytes(0))
    }
}
