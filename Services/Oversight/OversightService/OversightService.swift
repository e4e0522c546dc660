import CommonAPI
import Foundation
import Metrics
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// `support.oversight.v1.Oversight`: the append-only, hash-chained audit log of every service's
/// events (deduplicated by event id), the reports computed from it, audit samples, ratings,
/// complaints and the staff roster. Its own cases (complaints, ratings) are appended to the same
/// log in the same transaction as the change.
public struct OversightService: Oversight.ServiceProtocol {
    let store: any OversightStore
    let clock: @Sendable () -> Date
    let checkpointing: AuditCheckpointing
    let rateTables: RateTableSource?
    let metrics: OversightMetrics

    /// The service on `database`, signing and checking checkpoints as `checkpointing` says, asking
    /// Inquiries through `inquiries` (a client carrying this service's credentials; none: value
    /// bands are not converted) for the official rate table, exporting its alerting gauges through
    /// `metrics`; `clock` gives "now".
    public init(
        database: ServiceDatabase, checkpointing: AuditCheckpointing = AuditCheckpointing(),
        inquiries: RPCClient? = nil, metrics: any MetricsFactory = MetricsSystem.factory,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = SQLOversightStore(database: database)
        self.rateTables = inquiries.map(RateTableSource.init(inquiries:))
        self.clock = clock
        self.checkpointing = checkpointing
        self.metrics = OversightMetrics(factory: metrics)
    }

    /// The most checkpoints one VerifyAuditLog call may carry.
    static let maximumCheckpoints = 100

    /// The migrations of the Oversight database, for SQLite and PostgreSQL alike.
    public static var schema: [SchemaMigration] {
        OversightSchema.migrations
    }

    /// Who may call which method.
    public static var accessPolicy: AccessPolicy { OversightAccess.policy }

    /// The contract's descriptors (with imports), for reflection.
    public static let protoFiles: [ProtoFile] = [
        .supportOversightV1Oversight, .supportCommonV1AuditEvent, .supportCommonV1Common,
        .supportCommonV1AuditCheckpoint, .googleProtobufTimestamp, .googleProtobufDuration,
    ]

    /// The most events one RecordEvents call may carry.
    static let maximumBatch = 1_000

    /// Appends events from the services.
    public func recordEvents(_ request: RecordEventsRequest, context: ServerContext) async throws
        -> RecordEventsResponse
    {
        let caller = try context.identity
        guard request.events.count <= Self.maximumBatch else {
            throw RPCError(
                .invalidArgument, "at most \(Self.maximumBatch) events per call (got \(request.events.count))")
        }
        for (index, event) in request.events.enumerated() {
            if let problem = Self.problem(with: event) {
                throw RPCError(.invalidArgument, "events[\(index)]: \(problem)")
            }
            guard event.sourceService == caller.subject else {
                throw RPCError(
                    .permissionDenied,
                    "events[\(index)]: a service records only its own events; source_service '\(event.sourceService)' is not the caller '\(caller.subject)'"
                )
            }
            if let problem = EventOwnership.problem(with: event) {
                throw RPCError(.permissionDenied, "events[\(index)]: \(problem)")
            }
        }
        let now = clock()
        let outcome = try await store.append(request.events, at: now, checkpointing: checkpointing)
        var mismatch = false
        if let held = request.heldCheckpoint {
            let hash = try await store.read { try $0.recordHash(sequence: held.sequence) }
            mismatch = hash != held.headHash
        }
        return RecordEventsResponse.with {
            $0.accepted = Int32(outcome.accepted)
            $0.duplicates = Int32(outcome.duplicates)
            $0.lastSequence = outcome.lastSequence
            $0.checkpoint = mismatch ? nil : outcome.checkpoint
            $0.heldCheckpointMismatch = mismatch
        }
    }

    /// Lists audit records in log order.
    public func listAuditRecords(_ request: ListAuditRecordsRequest, context: ServerContext) async throws
        -> ListAuditRecordsResponse
    {
        _ = try context.identity
        guard request.limit >= 0, request.fromSequence >= 0 else {
            throw RPCError(.invalidArgument, "from_sequence and limit must not be negative")
        }
        let limit = request.limit == 0 ? 100 : min(Int(request.limit), 1_000)
        let from = max(1, request.fromSequence)
        let aggregateID = request.aggregateID.isEmpty ? nil : request.aggregateID
        let records = try await store.read {
            try $0.auditRecords(from: from, aggregateID: aggregateID, limit: limit + 1)
        }
        return ListAuditRecordsResponse.with {
            $0.records = Array(records.prefix(limit))
            if records.count > limit, let next = records.last { $0.nextSequence = next.sequence }
        }
    }

    /// Walks the whole chain, then checks it against the signed checkpoints given.
    public func verifyAuditLog(_ request: VerifyAuditLogRequest, context: ServerContext) async throws
        -> AuditLogVerification
    {
        _ = try context.identity
        guard request.checkpoints.count <= Self.maximumCheckpoints else {
            throw RPCError(
                .invalidArgument,
                "at most \(Self.maximumCheckpoints) checkpoints per call (got \(request.checkpoints.count))")
        }
        if !request.checkpoints.isEmpty {
            guard let ring = checkpointing.keys?.ring else {
                throw RPCError(
                    .failedPrecondition, "Oversight has no key set (--token-keys) to verify checkpoints with")
            }
            for (index, checkpoint) in request.checkpoints.enumerated() {
                if let problem = checkpoint.problem(verifiedWith: ring) {
                    throw RPCError(.invalidArgument, "checkpoints[\(index)] is not Oversight's: \(problem)")
                }
            }
        }
        var verification = Self.wire(try await store.verify())
        guard verification.valid, !request.checkpoints.isEmpty else {
            metrics.record(verification, at: clock())
            return verification
        }
        let checkpoints = request.checkpoints.sorted { $0.sequence < $1.sequence }
        let hashes = try await store.read { transaction in
            try checkpoints.map { try transaction.recordHash(sequence: $0.sequence) }
        }
        for (checkpoint, hash) in zip(checkpoints, hashes) {
            verification.checkpointsChecked += 1
            guard hash != checkpoint.headHash else { continue }
            let signed = checkpoint.signedAt.map { "\(ISO8601DateFormatter().string(from: $0.date))" } ?? "?"
            verification.valid = false
            verification.firstInvalidSequence = checkpoint.sequence
            verification.problem =
                hash == nil
                ? "the log ends before record \(checkpoint.sequence), which Oversight's checkpoint signed at \(signed) covers"
                : "record \(checkpoint.sequence) does not match Oversight's checkpoint signed at \(signed): the log was rewritten"
            break
        }
        metrics.record(verification, at: clock())
        return verification
    }

    /// Why an incoming event cannot be recorded, or nil.
    static func problem(with event: Event) -> String? {
        for (name, value, limit) in [
            ("event_id", event.eventID, 256), ("source_service", event.sourceService, 64),
            ("aggregate_type", event.aggregateType, 64), ("aggregate_id", event.aggregateID, 256),
        ] where value.isEmpty || value.utf8.count > limit {
            return "\(name) must be 1 to \(limit) bytes"
        }
        // Optional, but indexed with the event's facts (a PostgreSQL index entry holds at most
        // about 2.7 kB): a region is a country code, a currency an ISO 4217 code.
        for (name, value, limit) in [
            ("fairness.region", event.fairness?.region ?? "", 64),
            ("fairness.order_value.currency_code", event.fairness?.orderValue?.currencyCode ?? "", 16),
        ] where value.utf8.count > limit {
            return "\(name) must be at most \(limit) bytes"
        }
        switch event.kind {
        case .unspecified, .unrecognized: return "kind must be one of the EventKind values"
        default: break
        }
        guard let occurred = event.occurredAt else { return "occurred_at is required" }
        let times: [(String, Timestamp?)] = [
            ("occurred_at", occurred), ("fairness.account_created_at", event.fairness?.accountCreatedAt),
            ("refund.expected_by", event.refund?.expectedBy),
            ("message.message.sent_at", event.message?.message?.sentAt),
        ]
        for case (let field, let time?) in times {
            if let problem = time.rangeProblem(field) { return problem }
        }
        guard TextLimit.admits(event.summary, characters: 4_000), TextLimit.admits(event.category, characters: 200)
        else {
            return "summary or category too long"
        }
        // Services hold message texts to 4,000 characters (16,000 bytes); room is left for what
        // they prefix (such as "rating 5/5: ").
        guard TextLimit.admits(event.message?.message?.text ?? "", characters: 8_000) else {
            return "message text is longer than \(TextLimit.describe(characters: 8_000))"
        }
        return nil
    }

    /// Appends Oversight's own events about a case (complaints, ratings) in the same transaction.
    static func appendOwn(
        _ changes: [CaseChange], caseType: String, caseID: String, customerID: String, category: String,
        by actor: SupportPolicy.Actor, at now: Date, in transaction: any OversightTransaction
    ) throws {
        let base = Event.with {
            $0.sourceService = "oversight"
            $0.aggregateType = caseType
            $0.aggregateID = caseID
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = customerID
            $0.category = category
        }
        let next = try transaction.eventCount(aggregateID: caseID)
        let events = changes.enumerated().map { offset, change in
            var event = change.event(from: base, resolvedAs: "")
            event.aggregateSequence = next + Int64(offset) + 1
            event.eventID = "oversight:\(caseType):\(caseID):\(event.aggregateSequence)"
            return event
        }
        try transaction.append(events, at: now)
    }
}
