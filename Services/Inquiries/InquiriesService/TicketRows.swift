import Foundation
import InquiriesDomain
import Storage
import SupportPolicy

/// How a ticket is kept: a row of `tickets` with its topics, messages and notifications as rows
/// of `ticket_topics`, `ticket_messages` and `ticket_notifications`. The same SQL on SQLite and
/// PostgreSQL.
enum TicketRows {
    /// The columns of `tickets` read back, in the order ``tickets(_:_:in:)`` reads them.
    static let columns = """
        ticket_id, asked_by_subject, asked_by_role, question, state, answer, answer_rule_id, answer_rule_version,
        answer_rule_text, opened_at, answered_at, closed_at
        """

    /// Stores a new or changed ticket: its row, and the topics, messages and notifications it did
    /// not have when stored (a ticket's lists only grow: topics are set when it opens, messages and
    /// notifications are appended). A message so costs a row, not a rewrite of the conversation.
    static func save(_ ticket: Ticket, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO tickets (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (ticket_id) DO UPDATE SET state = excluded.state, answer = excluded.answer,
                answer_rule_id = excluded.answer_rule_id, answer_rule_version = excluded.answer_rule_version,
                answer_rule_text = excluded.answer_rule_text, answered_at = excluded.answered_at,
                closed_at = excluded.closed_at
            """,
            [
                ticket.id, ticket.askedBy.subject, ticket.askedBy.role.rawValue, ticket.question,
                ticket.state.rawValue, ticket.answer, ticket.answerRule?.id, ticket.answerRule?.version,
                ticket.answerRule?.text, ticket.openedAt, ticket.answeredAt, ticket.closedAt,
            ])
        let stored = try storedChildren.counts(of: ticket.id, in: db)
        for (position, topic) in ticket.topics.enumerated().dropFirst(stored[0]) {
            try db.execute(
                "INSERT INTO ticket_topics (ticket_id, position, topic) VALUES (?, ?, ?)",
                [ticket.id, position, topic.rawValue])
        }
        for (table, messages, count) in [
            ("ticket_messages", ticket.messages, stored[1]),
            ("ticket_notifications", ticket.notifications, stored[2]),
        ] {
            for (position, message) in messages.enumerated().dropFirst(count) {
                try db.execute(
                    """
                    INSERT INTO \(table) (ticket_id, position, message_id, author_subject, author_role, text, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        ticket.id, position, message.id, message.author.subject, message.author.role.rawValue,
                        message.text, message.sentAt,
                    ])
            }
        }
    }

    /// The counts a save appends after.
    private static let storedChildren = StoredChildCounts(
        tables: ["ticket_topics", "ticket_messages", "ticket_notifications"], key: "ticket_id")

    /// The tickets `sql` selects (with ``columns``), with their children.
    static func tickets(_ sql: String, _ arguments: [any SQLBindable], in db: some SQLConnection) throws -> [Ticket] {
        try db.fetchRows(sql, arguments).map { row in
            let id = try row.string(0)
            let topics = try db.fetchRows(
                "SELECT topic FROM ticket_topics WHERE ticket_id = ? ORDER BY position", [id]
            ).map { topic in
                guard let value = Topic(rawValue: try topic.int(0)) else {
                    throw StoredValueError(column: 0, expected: "a known topic")
                }
                return value
            }
            func messages(_ table: String) throws -> [CaseMessage] {
                try db.fetchRows(
                    """
                    SELECT message_id, author_subject, author_role, text, sent_at FROM \(table)
                    WHERE ticket_id = ? ORDER BY position
                    """, [id]
                ).map { message in
                    CaseMessage(
                        id: try message.string(0), author: try actor(message, 1), text: try message.string(3),
                        sentAt: try message.date(4))
                }
            }
            guard let state = TicketState(rawValue: try row.int(4)) else {
                throw StoredValueError(column: 4, expected: "a known ticket state")
            }
            let rule = try row.optionalString(6).map { ruleID in
                PolicyRule(id: ruleID, text: try row.string(8), version: try row.string(7))
            }
            return Ticket(
                id: id, askedBy: try actor(row, 1), question: try row.string(3), topics: topics, state: state,
                answer: try row.string(5), answerRule: rule, messages: try messages("ticket_messages"),
                notifications: try messages("ticket_notifications"), openedAt: try row.date(9),
                answeredAt: try row.optionalDate(10), closedAt: try row.optionalDate(11))
        }
    }

    private static func actor(_ row: SQLRow, _ index: Int) throws -> Actor {
        guard let role = Actor.Role(rawValue: try row.string(index + 1)) else {
            throw StoredValueError(column: index + 1, expected: "a known role")
        }
        return Actor(subject: try row.string(index), role: role)
    }
}
