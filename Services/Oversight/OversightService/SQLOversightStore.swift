import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// The ``OversightStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both
/// (``AuditLogWriter``, ``ReportQuery``, ``AgentReportQuery``, ``SQLOversightTransaction``).
struct SQLOversightStore: OversightStore {
    /// The database.
    let database: ServiceDatabase
    /// PostgreSQL's appends, in groups (``AuditAppendGroups``); none on SQLite, whose commits
    /// the database groups already.
    let groups: AuditAppendGroups?

    /// The store on `database`.
    init(database: ServiceDatabase) {
        self.database = database
        groups = database.dialect == .postgres ? AuditAppendGroups(database: database) : nil
    }

    /// Records the chain is walked in, per query.
    static let verifyPage = 5_000

    func append(_ events: [Event], at now: Date, checkpointing: AuditCheckpointing) async throws
        -> AuditLogWriter.Outcome
    {
        if let groups { return try await groups.append(events, at: now, checkpointing: checkpointing) }
        return try await database.transaction { db in
            let writer = AuditLogWriter(db: db)
            var outcome = try writer.append(events, at: now)
            outcome.checkpoint = try writer.checkpoint(
                at: now, with: checkpointing, head: (outcome.lastSequence, outcome.lastHash))
            return outcome
        }
    }

    func verify() async throws -> AuditChain.Verification {
        try await database.snapshot { db in
            var verifier = AuditChain.Verifier()
            var after: Int64 = 0
            walk: while true {
                let rows = try db.fetchRows(
                    """
                    SELECT sequence, recorded_at_ns, event, previous_hash, hash FROM audit_log
                    WHERE sequence > ? ORDER BY sequence LIMIT ?
                    """, [after, Self.verifyPage])
                for row in rows {
                    let record = AuditChain.Record(
                        sequence: try row.int64(0), recordedAtNanos: try row.int64(1), event: try row.bytes(2),
                        previousHash: try row.bytes(3), hash: try row.bytes(4))
                    if !verifier.check(record) { break walk }
                    after = record.sequence
                }
                if rows.count < Self.verifyPage { break }
            }
            let head = try db.fetchOne("SELECT sequence, hash FROM audit_head WHERE id = 1")
            let headSequence = try head?.int64(0) ?? 0
            let verification = verifier.finish(expectedCount: headSequence)
            if verification.valid, let head, try head.bytes(1) != verification.headHash {
                return AuditChain.Verification(
                    valid: false, recordsChecked: verification.recordsChecked,
                    firstInvalidSequence: headSequence, problem: "the last record does not match the recorded head",
                    headHash: verification.headHash)
            }
            return verification
        }
    }

    func report(from: Date, to: Date, rates: PublishedRates?) async throws -> Report {
        try await database.snapshot { db in try ReportQuery(db: db, rates: rates).report(from: from, to: to) }
    }

    func agentReport(from: Date, to: Date) async throws -> AgentReport {
        try await database.snapshot { db in try AgentReportQuery(db: db).report(from: from, to: to) }
    }

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OversightTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.perform(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLOversightTransaction(db: db, locking: true))
        }
    }

    func read<Result: Sendable>(_ body: @escaping @Sendable (any OversightTransaction) throws -> Result) async throws
        -> Result
    {
        try await database.snapshot { db in try body(SQLOversightTransaction(db: db)) }
    }
}
