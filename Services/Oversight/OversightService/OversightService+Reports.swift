import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

extension OversightService {
    /// The report for a period; `to` defaults to now, as the contract says.
    public func getReport(_ request: GetReportRequest, context: ServerContext) async throws -> Report {
        _ = try context.identity
        let to = request.to ?? Timestamp(clock())
        guard let from = request.from, from.isValid, to.isValid, from < to else {
            throw RPCError(.invalidArgument, "from is required and must be before to (to defaults to now)")
        }
        let rates = await rateTables?.current(at: clock())
        return try await store.report(from: from.date, to: to.date, rates: rates)
    }

    /// The support-attitude report for a period; `to` defaults to now.
    public func getAgentReport(_ request: GetAgentReportRequest, context: ServerContext) async throws -> AgentReport {
        _ = try context.identity
        let to = request.to ?? Timestamp(clock())
        guard let from = request.from, from.isValid, to.isValid, from < to else {
            throw RPCError(.invalidArgument, "from is required and must be before to (to defaults to now)")
        }
        return try await store.agentReport(from: from.date, to: to.date)
    }

    /// Records a rating of one case; customers rate only their own cases, each case once (a second
    /// rating is ALREADY_EXISTS).
    public func recordRating(_ request: RecordRatingRequest, context: ServerContext) async throws -> Rating {
        let caller = try context.identity
        guard (1...5).contains(request.score) else { throw RPCError(.invalidArgument, "score must be 1 to 5") }
        guard TextLimit.admits(request.comment, characters: 4_000) else {
            throw RPCError(.invalidArgument, "comment is longer than 4000 characters (16000 UTF-8 bytes)")
        }
        guard !request.aggregateType.isEmpty, !request.aggregateID.isEmpty else {
            throw RPCError(.invalidArgument, "aggregate_type and aggregate_id name the case rated")
        }
        let customerID = caller.role == .customer ? caller.subject : request.customerID
        guard !customerID.isEmpty else {
            throw RPCError(.invalidArgument, "customer_id is required for service callers")
        }
        let caseKey = "\(request.aggregateType)/\(request.aggregateID)"
        let now = clock()
        let ratingID = "RAT-\(UUID.timeOrdered(at: now).uuidString.lowercased())"
        let bytes = try await store.perform(
            key: request.idempotencyKey, caller: caller.subject, method: Oversight.Method.recordRating,
            request: request.serializedBytes()
        ) { transaction in
            guard try transaction.caseOwner(caseKey) == customerID else {
                throw RPCError(.notFound, "case '\(caseKey)' of customer '\(customerID)' not found")
            }
            if let first = try transaction.rating(caseKey: caseKey, customerID: customerID) {
                throw RPCError(
                    .alreadyExists,
                    "customer '\(customerID)' already rated case '\(caseKey)' (\(first.ratingID)); a case is rated once"
                )
            }
            let rating = Rating.with {
                $0.ratingID = ratingID
                $0.aggregateType = request.aggregateType
                $0.aggregateID = request.aggregateID
                $0.customerID = customerID
                $0.score = request.score
                $0.comment = request.comment
                $0.ratedAt = Timestamp(now)
            }
            try transaction.insert(rating, caseKey: caseKey)
            let rater = SupportPolicy.Actor(subject: customerID, role: .customer)
            let message = SupportPolicy.CaseMessage(
                id: ratingID, author: rater, text: "rating \(request.score)/5: \(request.comment)", sentAt: now)
            try Self.appendOwn(
                [.message(message)], caseType: request.aggregateType, caseID: request.aggregateID,
                customerID: customerID, category: "RATING", by: rater, at: now, in: transaction)
            return rating.serializedBytes()
        }
        return try Rating(serializedBytes: bytes)
    }

    /// Draws a reproducible sample of audit records from a period.
    public func createAuditSample(_ request: CreateAuditSampleRequest, context: ServerContext) async throws
        -> AuditSample
    {
        let caller = try context.identity
        guard (1...1_000).contains(request.size) else { throw RPCError(.invalidArgument, "size must be 1 to 1000") }
        guard let from = request.from, let to = request.to, from.isValid, to.isValid, from < to else {
            throw RPCError(.invalidArgument, "from and to are required, with from before to")
        }
        let sampleID = "AS-\(UUID.timeOrdered(at: clock()).uuidString.lowercased())"
        let bytes = try await store.perform(
            key: request.idempotencyKey, caller: caller.subject, method: Oversight.Method.createAuditSample,
            request: request.serializedBytes()
        ) { transaction in
            let candidates = try transaction.sequences(occurredFrom: from.date, to: to.date)
            var items: [AuditItem] = []
            for sequence in AuditSampler.sample(candidates, size: Int(request.size), seed: request.seed) {
                guard let record = try transaction.auditRecord(sequence: sequence) else { continue }
                items.append(AuditItem.with { $0.record = record })
            }
            let sample = AuditSample.with {
                $0.sampleID = sampleID
                $0.seed = request.seed
                $0.from = from
                $0.to = to
                $0.items = items
            }
            try transaction.save(sample)
            return sample.serializedBytes()
        }
        return try AuditSample(serializedBytes: bytes)
    }

    /// One sample.
    public func getAuditSample(_ request: GetAuditSampleRequest, context: ServerContext) async throws -> AuditSample {
        _ = try context.identity
        guard let sample = try await store.read({ try $0.sample(id: request.sampleID) }) else {
            throw RPCError(.notFound, "audit sample '\(request.sampleID)' not found")
        }
        return sample
    }

    /// Marks one sampled record.
    public func markAuditItem(_ request: MarkAuditItemRequest, context: ServerContext) async throws -> AuditSample {
        let caller = try context.identity
        guard request.verdict == .pass || request.verdict == .fail else {
            throw RPCError(.invalidArgument, "verdict must be PASS or FAIL")
        }
        guard TextLimit.admits(request.note, characters: 4_000) else {
            throw RPCError(.invalidArgument, "note is longer than 4000 characters (16000 UTF-8 bytes)")
        }
        let bytes = try await store.perform(
            key: request.idempotencyKey, caller: caller.subject, method: Oversight.Method.markAuditItem,
            request: request.serializedBytes()
        ) { transaction in
            guard var sample = try transaction.sample(id: request.sampleID) else {
                throw RPCError(.notFound, "audit sample '\(request.sampleID)' not found")
            }
            guard let index = sample.items.firstIndex(where: { $0.record?.sequence == request.sequence }) else {
                throw RPCError(.notFound, "record \(request.sequence) is not in sample '\(request.sampleID)'")
            }
            sample.items[index].verdict = request.verdict
            sample.items[index].note = request.note
            sample.items[index].markedBy = SupportPolicy.Actor(caller).wire
            sample.passed = Int32(sample.items.filter { $0.verdict == .pass }.count)
            sample.failed = Int32(sample.items.filter { $0.verdict == .fail }.count)
            try transaction.save(sample)
            return sample.serializedBytes()
        }
        return try AuditSample(serializedBytes: bytes)
    }
}
