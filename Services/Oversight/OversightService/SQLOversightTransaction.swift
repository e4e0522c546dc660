import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// The queries behind ``OversightTransaction``, the same SQL on SQLite and PostgreSQL. In a
/// command's write transaction (`locking`), what the command reads to change it (a complaint, a
/// sample, a customer's rating of a case) is locked on PostgreSQL, so that commands landing on
/// different replicas change it one after the other instead of overwriting each other.
struct SQLOversightTransaction: OversightTransaction {
    /// The connection, in a transaction.
    let db: any SQLConnection
    /// Whether this is a write transaction whose reads lock what they read (false: a read-only snapshot).
    var locking = false

    /// What follows a `SELECT` of a row the transaction may change.
    private var forUpdate: String { locking ? db.sqlDialect.forUpdate : "" }

    /// The columns ``record(_:)`` reads.
    static let recordColumns = "sequence, recorded_at_ns, event, previous_hash, hash"

    func auditRecords(from: Int64, aggregateID: String?, limit: Int) throws -> [AuditRecord] {
        var sql = "SELECT \(Self.recordColumns) FROM audit_log WHERE sequence >= ?"
        var arguments: [any SQLBindable] = [from]
        if let aggregateID {
            sql += " AND aggregate_id = ?"
            arguments.append(aggregateID)
        }
        sql += " ORDER BY sequence LIMIT ?"
        arguments.append(limit)
        return try db.fetchRows(sql, arguments).map(Self.record)
    }

    func auditRecord(sequence: Int64) throws -> AuditRecord? {
        try db.fetchOne("SELECT \(Self.recordColumns) FROM audit_log WHERE sequence = ?", [sequence]).map(Self.record)
    }

    func recordHash(sequence: Int64) throws -> [UInt8]? {
        try db.fetchOne("SELECT hash FROM audit_log WHERE sequence = ?", [sequence]).map { try $0.bytes(0) }
    }

    func sequences(occurredFrom from: Date, to: Date) throws -> [Int64] {
        try db.fetchRows(
            "SELECT sequence FROM event_facts WHERE occurred_at >= ? AND occurred_at < ? ORDER BY sequence", [from, to]
        ).map { try $0.int64(0) }
    }

    func eventCount(aggregateID: String) throws -> Int64 {
        Int64(try db.fetchCount("SELECT COUNT(*) FROM audit_log WHERE aggregate_id = ?", [aggregateID]))
    }

    func append(_ events: [Event], at now: Date) throws {
        _ = try AuditLogWriter(db: db).append(events, at: now)
    }

    func caseOwner(_ caseKey: String) throws -> String? {
        try db.fetchOne("SELECT customer_id FROM cases WHERE case_key = ?", [caseKey]).map { try $0.string(0) }
    }

    func rating(caseKey: String, customerID: String) throws -> Rating? {
        // No row to lock yet: the (case, customer) pair is locked by name instead.
        if locking { try db.lock(named: "oversight-rating \(caseKey) \(customerID)") }
        let row = try db.fetchOne(
            "SELECT \(RatingRows.columns) FROM ratings WHERE case_key = ? AND customer_id = ?", [caseKey, customerID])
        return try row.map(RatingRows.rating)
    }

    func insert(_ rating: Rating, caseKey: String) throws {
        try RatingRows.insert(rating, caseKey: caseKey, in: db)
    }

    func sample(id: String) throws -> AuditSample? {
        try AuditSampleRows.sample(id: id, lock: forUpdate, in: db)
    }

    func save(_ sample: AuditSample) throws {
        try AuditSampleRows.save(sample, in: db)
    }

    func complaint(id: String) throws -> Complaint? {
        try ComplaintRows.complaints(
            "SELECT \(ComplaintRows.columns) FROM complaints WHERE complaint_id = ?\(forUpdate)", [id], in: db
        ).first
    }

    func complaints(customerID: String?, state: ComplaintState?, after cursor: PageCursor?, limit: Int) throws
        -> [Complaint]
    {
        var sql = "SELECT \(ComplaintRows.columns) FROM complaints WHERE 1 = 1"
        var arguments: [any SQLBindable] = []
        if let customerID {
            sql += " AND customer_id = ?"
            arguments.append(customerID)
        }
        if let state {
            sql += " AND state = ?"
            arguments.append(Int64(state.rawValue))
        }
        if let cursor {
            sql += " AND (filed_at, complaint_id) < (?, ?)"
            arguments += [cursor.sortKey, cursor.id]
        }
        sql += " ORDER BY filed_at DESC, complaint_id DESC LIMIT ?"
        arguments.append(limit)
        return try ComplaintRows.complaints(sql, arguments, in: db)
    }

    func save(_ complaint: Complaint) throws {
        try ComplaintRows.save(complaint, in: db)
    }

    func staffMember(id: String) throws -> StaffMember? {
        try StaffRows.members("SELECT staff_id, name, active FROM staff WHERE staff_id = ?", [id], in: db).first
    }

    func staffMembers() throws -> [StaffMember] {
        try StaffRows.members("SELECT staff_id, name, active FROM staff ORDER BY staff_id", [], in: db)
    }

    func upsert(_ member: StaffMember) throws {
        try StaffRows.upsert(member, in: db)
    }

    /// An audit record from its row (``recordColumns``).
    static func record(_ row: SQLRow) throws -> AuditRecord {
        let nanos = try row.int64(1)
        let event = try row.bytes(2)
        let sequence = try row.int64(0)
        let previous = try row.bytes(3)
        let hash = try row.bytes(4)
        return AuditRecord.with {
            $0.sequence = sequence
            $0.event = try? Event(serializedBytes: event)
            $0.recordedAt = Timestamp(seconds: nanos / 1_000_000_000, nanos: Int32(nanos % 1_000_000_000))
            $0.previousHash = previous
            $0.hash = hash
        }
    }

}
