import Foundation
import OrdersDomain
import Storage
import SupportPolicy

/// How an issue is kept: a row of `issues` (its requested address and dispute verdict as
/// columns) with its case log, messages and notifications as rows of `issue_log`,
/// `issue_messages` and `issue_notifications` (append-only: a save adds the new entries), and its
/// dispute evidence as rows of `dispute_evidence` and `dispute_attachments`. The SQL is the same
/// on SQLite and PostgreSQL.
enum IssueRows {
    /// The columns of `issues` read back, in the order ``issue(_:in:)`` reads them.
    static let columns = """
        issue_id, order_id, customer_id, category, cause, resolution, state, description, decision_rule_id,
        decision_rule_version, decision_rule_text, followed_playbook, reported_at, resolved_at, first_response_at,
        requested_recipient, requested_line1, requested_line2, requested_city, requested_state, requested_postal_code,
        requested_country_code, has_dispute, dispute_outcome, dispute_rationale
        """

    /// The statement storing an issue's row, new or changed (built once: it was built anew on every
    /// save, and the statement cache then hashed the new string to find it).
    static let upsert: String = {
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let changed = names.dropFirst(3).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO issues (\(columns)) VALUES (\(marks))
            ON CONFLICT (issue_id) DO UPDATE SET \(changed)
            """
    }()

    /// The statement storing a new issue's row (a duplicate id is an error).
    static let insertRow: String = {
        let count = columns.split(separator: ",").count
        return "INSERT INTO issues (\(columns)) VALUES (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
    }()

    /// Stores a new or changed issue: its row, the log entries, messages and notifications not
    /// stored yet, and its dispute evidence anew.
    static func save(_ issue: Issue, in db: some SQLConnection) throws {
        try db.execute(upsert, rowValues(of: issue))
        try appendChildren(of: issue, in: db)
        try db.execute("DELETE FROM dispute_attachments WHERE issue_id = ?", [issue.id])
        try db.execute("DELETE FROM dispute_evidence WHERE issue_id = ?", [issue.id])
        try insertEvidence(of: issue, in: db)
    }

    /// Stores a new issue (its id not stored yet): its row, every entry and its evidence, without
    /// what ``save(_:in:)`` does for an issue already stored (counting its stored entries,
    /// deleting its evidence): three statements fewer in the command that reports it.
    static func insert(_ issue: Issue, in db: some SQLConnection) throws {
        try db.execute(insertRow, rowValues(of: issue))
        try insertChildren(of: issue, stored: (log: 0, messages: 0, notifications: 0), in: db)
        try insertEvidence(of: issue, in: db)
    }

    /// The values of an issue's row, in ``columns`` order.
    private static func rowValues(of issue: Issue) -> [any SQLBindable] {
        let address = issue.requestedAddress
        return [
            issue.id, issue.orderID, issue.customerID, issue.category.rawValue, issue.cause?.rawValue,
            issue.resolution?.rawValue, issue.state.rawValue, issue.description, issue.decisionRule?.id,
            issue.decisionRule?.version, issue.decisionRule?.text, issue.followedPlaybook, issue.reportedAt,
            issue.resolvedAt, issue.firstResponseAt, address?.recipient, address?.line1, address?.line2, address?.city,
            address?.state, address?.postalCode, address?.countryCode, issue.dispute != nil,
            issue.dispute?.outcome?.rawValue, issue.dispute?.rationale ?? "",
        ]
    }

    /// Inserts the rows of an issue's dispute evidence and attachments (none stored).
    private static func insertEvidence(of issue: Issue, in db: some SQLConnection) throws {
        for (position, evidence) in (issue.dispute?.evidence ?? []).enumerated() {
            try db.execute(
                """
                INSERT INTO dispute_evidence (issue_id, position, party, statement, submitted_by_subject,
                    submitted_by_role, submitted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    issue.id, position, evidence.party.rawValue, evidence.statement, evidence.submittedBy.subject,
                    evidence.submittedBy.role.rawValue, evidence.submittedAt,
                ])
            for (index, uri) in evidence.attachmentURIs.enumerated() {
                try db.execute(
                    "INSERT INTO dispute_attachments (issue_id, evidence_position, position, uri) VALUES (?, ?, ?, ?)",
                    [issue.id, position, index, uri])
            }
        }
    }

    /// One issue; `locking` (inside a write transaction) locks its row on PostgreSQL until the
    /// transaction ends.
    static func issue(id: String, locking: Bool, in db: some SQLConnection) throws -> Issue? {
        let sql = locking && db.sqlDialect == .postgres ? selectOneForUpdate : selectOne
        guard let row = try db.fetchOne(sql, [id]) else { return nil }
        return try issue(row, in: db)
    }

    /// One issue's row by id (a constant, so a read neither builds the SQL nor hashes a new string).
    private static let selectOne = "SELECT \(columns) FROM issues WHERE issue_id = ?"
    /// The same, locking the row (PostgreSQL).
    private static let selectOneForUpdate = selectOne + SQLDialect.postgres.forUpdate

    /// The issue in `row` (selected with ``columns``), with its log, messages, notifications and
    /// evidence.
    static func issue(_ row: SQLRow, in db: some SQLConnection) throws -> Issue {
        let id = try row.string(0)
        let log = try db.fetchRows(
            """
            SELECT sequence, actor_subject, actor_role, action, detail, rule_id, rule_version, rule_text, at
            FROM issue_log WHERE issue_id = ? ORDER BY position
            """, [id]
        ).map { entry in
            IssueLogEntry(
                sequence: try entry.int(0), actor: try StoredCode.actor(entry, 1), action: try entry.string(3),
                detail: try entry.string(4), rule: try StoredCode.rule(entry, 5), at: try entry.date(8))
        }
        let messages = try db.fetchRows(
            """
            SELECT message_id, author_subject, author_role, text, sent_at FROM issue_messages
            WHERE issue_id = ? ORDER BY position
            """, [id]
        ).map { message in
            CaseMessage(
                id: try message.string(0), author: try StoredCode.actor(message, 1), text: try message.string(3),
                sentAt: try message.date(4))
        }
        let notifications = try db.fetchRows(
            """
            SELECT notification_id, customer_id, text, created_at FROM issue_notifications
            WHERE issue_id = ? ORDER BY position
            """, [id]
        ).map { notification in
            CustomerNotification(
                id: try notification.string(0), customerID: try notification.string(1),
                text: try notification.string(2), createdAt: try notification.date(3))
        }
        return Issue(
            id: id, orderID: try row.string(1), customerID: try row.string(2),
            category: try StoredCode.integer(IssueCategory.self, row, 3),
            cause: try StoredCode.optionalInteger(IssueCause.self, row, 4),
            resolution: try StoredCode.optionalInteger(Resolution.self, row, 5),
            state: try StoredCode.integer(IssueState.self, row, 6), description: try row.string(7),
            decisionRule: try StoredCode.rule(row, 8), followedPlaybook: try row.bool(11), log: log,
            messages: messages, notifications: notifications, dispute: try dispute(row, id: id, in: db),
            requestedAddress: try requestedAddress(row), reportedAt: try row.date(12),
            resolvedAt: try row.optionalDate(13), firstResponseAt: try row.optionalDate(14))
    }

    private static func requestedAddress(_ row: SQLRow) throws -> Address? {
        guard let recipient = try row.optionalString(15) else { return nil }
        return Address(
            recipient: recipient, line1: try row.string(16), line2: try row.string(17), city: try row.string(18),
            state: try row.string(19), postalCode: try row.string(20), countryCode: try row.string(21))
    }

    private static func dispute(_ row: SQLRow, id: String, in db: some SQLConnection) throws -> Dispute? {
        guard try row.bool(22) else { return nil }
        var dispute = Dispute()
        dispute.outcome = try StoredCode.optionalInteger(DisputeOutcome.self, row, 23)
        dispute.rationale = try row.string(24)
        var attachments: [Int: [String]] = [:]
        for attachment in try db.fetchRows(
            "SELECT evidence_position, uri FROM dispute_attachments WHERE issue_id = ? ORDER BY evidence_position, position",
            [id])
        {
            attachments[try attachment.int(0), default: []].append(try attachment.string(1))
        }
        dispute.evidence = try db.fetchRows(
            """
            SELECT position, party, statement, submitted_by_subject, submitted_by_role, submitted_at
            FROM dispute_evidence WHERE issue_id = ? ORDER BY position
            """, [id]
        ).map { evidence in
            DisputeEvidence(
                party: try StoredCode.integer(DisputeParty.self, evidence, 1), statement: try evidence.string(2),
                attachmentURIs: attachments[try evidence.int(0)] ?? [], submittedBy: try StoredCode.actor(evidence, 3),
                submittedAt: try evidence.date(5))
        }
        return dispute
    }

    /// Adds the log entries, messages and notifications past those already stored (they are only
    /// ever appended).
    private static func appendChildren(of issue: Issue, in db: some SQLConnection) throws {
        let stored = try storedChildren.counts(of: issue.id, in: db)
        try insertChildren(of: issue, stored: (log: stored[0], messages: stored[1], notifications: stored[2]), in: db)
    }

    /// The counts ``appendChildren(of:in:)`` appends after.
    private static let storedChildren = StoredChildCounts(
        tables: ["issue_log", "issue_messages", "issue_notifications"], key: "issue_id")

    /// Inserts the log entries, messages and notifications past the first `stored` of each.
    private static func insertChildren(
        of issue: Issue, stored: (log: Int, messages: Int, notifications: Int), in db: some SQLConnection
    ) throws {
        for (position, entry) in issue.log.enumerated().dropFirst(stored.log) {
            try db.execute(
                """
                INSERT INTO issue_log (issue_id, position, sequence, actor_subject, actor_role, action, detail,
                    rule_id, rule_version, rule_text, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    issue.id, position, entry.sequence, entry.actor.subject, entry.actor.role.rawValue, entry.action,
                    entry.detail, entry.rule?.id, entry.rule?.version, entry.rule?.text, entry.at,
                ])
        }
        for (position, message) in issue.messages.enumerated().dropFirst(stored.messages) {
            try db.execute(
                """
                INSERT INTO issue_messages (issue_id, position, message_id, author_subject, author_role, text, sent_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    issue.id, position, message.id, message.author.subject, message.author.role.rawValue, message.text,
                    message.sentAt,
                ])
        }
        for (position, notification) in issue.notifications.enumerated().dropFirst(stored.notifications) {
            try db.execute(
                """
                INSERT INTO issue_notifications (issue_id, position, notification_id, customer_id, text, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    issue.id, position, notification.id, notification.customerID, notification.text,
                    notification.createdAt,
                ])
        }
    }
}
