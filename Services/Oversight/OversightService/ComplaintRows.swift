import Foundation
import OversightDomain
import Storage
import SupportPolicy

/// A complaint as rows: its own row of columns in `complaints`, and its messages and
/// notifications as rows of `complaint_messages` and `complaint_notifications` (only ever
/// appended: a save adds the new ones). No API message is stored.
enum ComplaintRows {
    /// The columns ``complaint(_:in:)`` reads, in order.
    static let columns = """
        complaint_id, kind, customer_id, subject, text, related_case, state, assigned_to, resolution, filed_at,
        resolved_at, closed_at
        """

    /// Stores a new or changed complaint.
    static func save(_ complaint: Complaint, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO complaints (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (complaint_id) DO UPDATE SET kind = excluded.kind, subject = excluded.subject,
                text = excluded.text, related_case = excluded.related_case, state = excluded.state,
                assigned_to = excluded.assigned_to, resolution = excluded.resolution,
                resolved_at = excluded.resolved_at, closed_at = excluded.closed_at
            """,
            [
                complaint.id, complaint.kind.rawValue, complaint.customerID, complaint.subject, complaint.text,
                complaint.relatedCase, complaint.state.rawValue, complaint.assignedTo, complaint.resolution,
                complaint.filedAt, complaint.resolvedAt, complaint.closedAt,
            ])
        let stored = try storedChildren.counts(of: complaint.id, in: db)
        for (table, entries, known) in [
            ("complaint_messages", complaint.messages, stored[0]),
            ("complaint_notifications", complaint.notifications, stored[1]),
        ] {
            for (position, message) in entries.enumerated().dropFirst(known) {
                try db.execute(
                    """
                    INSERT INTO \(table) (complaint_id, position, message_id, author_subject, author_role, text, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        complaint.id, position, message.id, message.author.subject, message.author.role.rawValue,
                        message.text, message.sentAt,
                    ])
            }
        }
    }

    /// The counts a save appends after.
    private static let storedChildren = StoredChildCounts(
        tables: ["complaint_messages", "complaint_notifications"], key: "complaint_id")

    /// The complaints `sql` selects (``columns`` first), with their messages and notifications.
    static func complaints(_ sql: String, _ arguments: [any SQLBindable], in db: any SQLConnection) throws
        -> [Complaint]
    {
        try db.fetchRows(sql, arguments).map { try complaint($0, in: db) }
    }

    /// The complaint in `row` (selected with ``columns``).
    static func complaint(_ row: SQLRow, in db: any SQLConnection) throws -> Complaint {
        let id = try row.string(0)
        guard let kind = Complaint.Kind(rawValue: try row.int(1)) else {
            throw StoredValueError(column: 1, expected: "a known complaint kind")
        }
        guard let state = ComplaintState(rawValue: try row.int(6)) else {
            throw StoredValueError(column: 6, expected: "a known complaint state")
        }
        return Complaint(
            id: id, kind: kind, customerID: try row.string(2), subject: try row.string(3), text: try row.string(4),
            relatedCase: try row.string(5), state: state, assignedTo: try row.string(7),
            resolution: try row.string(8), messages: try messages("complaint_messages", of: id, in: db),
            notifications: try messages("complaint_notifications", of: id, in: db), filedAt: try row.date(9),
            resolvedAt: try row.optionalDate(10), closedAt: try row.optionalDate(11))
    }

    /// The messages of complaint `id` kept in `table`, in order.
    private static func messages(_ table: String, of id: String, in db: any SQLConnection) throws -> [CaseMessage] {
        try db.fetchRows(
            "SELECT message_id, author_subject, author_role, text, sent_at FROM \(table) WHERE complaint_id = ? ORDER BY position",
            [id]
        ).map { row in
            guard let role = Actor.Role(rawValue: try row.string(2)) else {
                throw StoredValueError(column: 2, expected: "a known role")
            }
            return CaseMessage(
                id: try row.string(0), author: Actor(subject: try row.string(1), role: role), text: try row.string(3),
                sentAt: try row.date(4))
        }
    }
}
