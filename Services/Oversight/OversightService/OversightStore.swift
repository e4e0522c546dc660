import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy

/// Where Oversight keeps its audit log, report facts, samples, ratings, complaints and roster.
/// The handlers see only this protocol; ``SQLOversightStore`` implements it on SQLite and
/// PostgreSQL alike (with ``AuditLogWriter`` and ``ReportQuery``).
protocol OversightStore: CommandStore where Transaction == any OversightTransaction {
    /// Appends events from the services in one transaction, signing a checkpoint of the new head
    /// when `checkpointing` says one is due.
    func append(_ events: [Event], at now: Date, checkpointing: AuditCheckpointing) async throws
        -> AuditLogWriter.Outcome
    /// Walks the whole chain.
    func verify() async throws -> AuditChain.Verification
    /// The report for events that occurred in [from, to).
    func report(from: Date, to: Date, rates: PublishedRates?) async throws -> Report
    /// The support-attitude report for events that occurred in [from, to).
    func agentReport(from: Date, to: Date) async throws -> AgentReport
    /// Runs one command in one transaction with its idempotency record.
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OversightTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]
    /// Reads in one snapshot.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any OversightTransaction) throws -> Result) async throws
        -> Result
}

/// What a command or read may do inside its transaction.
protocol OversightTransaction {
    /// Audit records from `from` in log order (only of `aggregateID`, if given), at most `limit`.
    func auditRecords(from: Int64, aggregateID: String?, limit: Int) throws -> [AuditRecord]
    /// One audit record.
    func auditRecord(sequence: Int64) throws -> AuditRecord?
    /// The stored hash of record `sequence`, if the log has it.
    func recordHash(sequence: Int64) throws -> [UInt8]?
    /// Sequences of the records whose events occurred in [from, to), in log order.
    func sequences(occurredFrom from: Date, to: Date) throws -> [Int64]
    /// How many records a case has.
    func eventCount(aggregateID: String) throws -> Int64
    /// Appends Oversight's own events (complaints, ratings) in this transaction.
    func append(_ events: [Event], at now: Date) throws
    /// The customer a case belongs to, as its events said.
    func caseOwner(_ caseKey: String) throws -> String?
    /// The rating `customerID` gave the case `caseKey`, if any (one per customer per case).
    func rating(caseKey: String, customerID: String) throws -> Rating?
    /// Stores a rating.
    func insert(_ rating: Rating, caseKey: String) throws
    /// One audit sample.
    func sample(id: String) throws -> AuditSample?
    /// Stores a new or changed sample.
    func save(_ sample: AuditSample) throws
    /// One complaint.
    func complaint(id: String) throws -> Complaint?
    /// Complaints, newest first (of `customerID` and in `state`, if given), after `cursor`.
    func complaints(customerID: String?, state: ComplaintState?, after cursor: PageCursor?, limit: Int) throws
        -> [Complaint]
    /// Stores a new or changed complaint.
    func save(_ complaint: Complaint) throws
    /// One staff member.
    func staffMember(id: String) throws -> StaffMember?
    /// The roster.
    func staffMembers() throws -> [StaffMember]
    /// Adds or replaces a staff member.
    func upsert(_ member: StaffMember) throws
}
