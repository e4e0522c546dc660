import CommonAPI
import Foundation
import GRDB
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// The ``OversightStore`` on the service's SQLite database.
struct SQLiteOversightStore: OversightStore {
    /// The database.
    let database: ServiceDatabase

    func append(_ events: [Event], at now: Date, checkpointing: AuditCheckpointing) async throws
        -> AuditLogWriter.Outcome
    {
        try await database.write { db in
            let writer = AuditLogWriter(db: db)
            var outcome = try writer.append(events, at: now)
            outcome.checkpoint = try writer.checkpoint(at: now, with: checkpointing)
            return outcome
        }
    }

    func verify() async throws -> AuditChain.Verification {
        try await database.read { db in
            var verifier = AuditChain.Verifier()
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sequence, recorded_at_ns, event, previous_hash, hash FROM audit_log ORDER BY sequence")
            while let row = try rows.next() {
                let event: Data = row["event"]
                let previous: Data = row["previous_hash"]
                let hash: Data = row["hash"]
                let record = AuditChain.Record(
                    sequence: row["sequence"], recordedAtNanos: row["recorded_at_ns"], event: [UInt8](event),
                    previousHash: [UInt8](previous), hash: [UInt8](hash))
                if !verifier.check(record) { break }
            }
            let head = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_head WHERE id = 1")
            let verification = verifier.finish(expectedCount: head?["sequence"] ?? 0)
            if verification.valid, let head, (head["hash"] as Data) != Data(verification.headHash) {
                return AuditChain.Verification(
                    valid: false, recordsChecked: verification.recordsChecked,
                    firstInvalidSequence: head["sequence"], problem: "the last record does not match the recorded head",
                    headHash: verification.headHash)
            }
            return verification
        }
    }

    func report(from: Date, to: Date, rates: PublishedRates?) async throws -> Report {
        try await database.read { db in try ReportQuery(db: db, rates: rates).report(from: from, to: to) }
    }

    func agentReport(from: Date, to: Date) async throws -> AgentReport {
        try await database.read { db in try AgentReportQuery(db: db).report(from: from, to: to) }
    }

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OversightTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.command(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLiteOversightTransaction(db: db))
        }
    }

    func read<Result: Sendable>(_ body: @escaping @Sendable (any OversightTransaction) throws -> Result) async throws
        -> Result
    {
        try await database.read { db in try body(SQLiteOversightTransaction(db: db)) }
    }
}

/// The SQLite queries behind ``OversightTransaction``.
struct SQLiteOversightTransaction: OversightTransaction {
    /// The connection.
    let db: Database

    func auditRecords(from: Int64, aggregateID: String?, limit: Int) throws -> [AuditRecord] {
        var sql = "SELECT sequence, recorded_at_ns, event, previous_hash, hash FROM audit_log WHERE sequence >= ?"
        var arguments: StatementArguments = [from]
        if let aggregateID {
            sql += " AND aggregate_id = ?"
            arguments += [aggregateID]
        }
        sql += " ORDER BY sequence LIMIT ?"
        arguments += [limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record)
    }

    func auditRecord(sequence: Int64) throws -> AuditRecord? {
        try Row.fetchOne(
            db, sql: "SELECT sequence, recorded_at_ns, event, previous_hash, hash FROM audit_log WHERE sequence = ?",
            arguments: [sequence]
        ).map(Self.record)
    }

    func recordHash(sequence: Int64) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE sequence = ?", arguments: [sequence]).map {
            [UInt8]($0)
        }
    }

    func sequences(occurredFrom from: Date, to: Date) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT sequence FROM event_facts WHERE occurred_at >= ? AND occurred_at < ? ORDER BY sequence",
            arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970])
    }

    func eventCount(aggregateID: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE aggregate_id = ?", arguments: [aggregateID])
            ?? 0
    }

    func append(_ events: [Event], at now: Date) throws {
        _ = try AuditLogWriter(db: db).append(events, at: now)
    }

    func caseOwner(_ caseKey: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT customer_id FROM cases WHERE case_key = ?", arguments: [caseKey])
    }

    func rating(caseKey: String, customerID: String) throws -> Rating? {
        try Rating.fetchOne(
            db, sql: "SELECT body FROM ratings WHERE case_key = ? AND customer_id = ?",
            arguments: [caseKey, customerID]
        )
    }

    func insert(_ rating: Rating, caseKey: String) throws {
        try db.execute(
            sql:
                "INSERT INTO ratings (rating_id, case_key, customer_id, score, rated_at, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                rating.ratingID, caseKey, rating.customerID, rating.score,
                rating.ratedAt?.date.timeIntervalSince1970 ?? 0, Data(rating.serializedBytes()),
            ])
    }

    func sample(id: String) throws -> AuditSample? {
        try AuditSample.fetchOne(db, sql: "SELECT body FROM audit_samples WHERE sample_id = ?", arguments: [id])
    }

    func save(_ sample: AuditSample) throws {
        try db.execute(
            sql: """
                INSERT INTO audit_samples (sample_id, body) VALUES (?, ?)
                ON CONFLICT (sample_id) DO UPDATE SET body = excluded.body
                """,
            arguments: [sample.sampleID, Data(sample.serializedBytes())])
    }

    func complaint(id: String) throws -> Complaint? {
        try Data.fetchOne(db, sql: "SELECT body FROM complaints WHERE complaint_id = ?", arguments: [id]).map(
            Self.complaint)
    }

    func complaints(customerID: String?, state: ComplaintState?, after cursor: PageCursor?, limit: Int) throws
        -> [Complaint]
    {
        var sql = "SELECT body FROM complaints WHERE 1 = 1"
        var arguments: StatementArguments = []
        if let customerID {
            sql += " AND customer_id = ?"
            arguments += [customerID]
        }
        if let state {
            sql += " AND state = ?"
            arguments += [state.rawValue]
        }
        if let cursor {
            sql += " AND (filed_at, complaint_id) < (?, ?)"
            arguments += [cursor.sortKey, cursor.id]
        }
        sql += " ORDER BY filed_at DESC, complaint_id DESC LIMIT ?"
        arguments += [limit]
        return try Data.fetchAll(db, sql: sql, arguments: arguments).map(Self.complaint)
    }

    func save(_ complaint: Complaint) throws {
        try db.execute(
            sql: """
                INSERT INTO complaints (complaint_id, customer_id, state, filed_at, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (complaint_id) DO UPDATE SET state = excluded.state, body = excluded.body
                """,
            arguments: [
                complaint.id, complaint.customerID, complaint.state.rawValue, complaint.filedAt.timeIntervalSince1970,
                Data(complaint.wire.serializedBytes()),
            ])
    }

    func staffMember(id: String) throws -> StaffMember? {
        try StaffMember.fetchOne(db, sql: "SELECT body FROM staff WHERE staff_id = ?", arguments: [id])
    }

    func staffMembers() throws -> [StaffMember] {
        try StaffMember.fetchAll(db, sql: "SELECT body FROM staff ORDER BY staff_id")
    }

    func upsert(_ member: StaffMember) throws {
        try db.execute(
            sql:
                "INSERT INTO staff (staff_id, body) VALUES (?, ?) ON CONFLICT (staff_id) DO UPDATE SET body = excluded.body",
            arguments: [member.staffID, Data(member.serializedBytes())])
    }

    /// An audit record from its row.
    static func record(_ row: Row) throws -> AuditRecord {
        let event: Data = row["event"]
        let previous: Data = row["previous_hash"]
        let hash: Data = row["hash"]
        let nanos: Int64 = row["recorded_at_ns"]
        return AuditRecord.with {
            $0.sequence = row["sequence"]
            $0.event = try? Event(storedBytes: event)
            $0.recordedAt = Timestamp(seconds: nanos / 1_000_000_000, nanos: Int32(nanos % 1_000_000_000))
            $0.previousHash = [UInt8](previous)
            $0.hash = [UInt8](hash)
        }
    }

    /// A complaint from its stored encoding.
    static func complaint(_ body: Data) throws -> Complaint {
        try Complaint(stored: OversightAPI.Complaint(storedBytes: body))
    }
}
