import CommonAPI
import Foundation
import Logging
import OrdersAPI
import OrdersLookup
import RPC
import RefundsAPI
import ReturnsAPI
import ReturnsDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// `support.returns.v1.Returns`: handlers that check the caller, ask Orders for the order's facts,
/// run each command in one transaction (change, outbox events, idempotency record), and on
/// approval ask Refunds to refund. The refund request carries a key derived from the return, so
/// however often it is retried (a timeout, a crash between approval and the call, a restart) it
/// creates exactly one refund; approved returns whose refund is not yet confirmed are retried by
/// ``refundFollowUp(every:)``. Each request is claimed first, so with several replicas on one
/// database one replica at a time asks for a return's refund (and another takes over if it dies).
public struct ReturnsService: Returns.ServiceProtocol {
    let store: any ReturnStore
    let orders: PurchaseFactsSource
    let refunds: Refunds.Client
    let clock: @Sendable () -> Date
    let logger: Logger

    /// The service on `database`, calling Orders and Refunds through clients carrying this
    /// service's credentials; `clock` gives "now".
    public init(
        database: ServiceDatabase, orders: RPCClient, refunds: RPCClient, logger: Logger = Logger(label: "returns"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = SQLReturnStore(database: database)
        self.orders = PurchaseFactsSource(orders: PurchaseFactsClient(orders: orders))
        self.refunds = Refunds.Client(refunds)
        self.clock = clock
        self.logger = logger
    }

    /// The migrations of the Returns database, for SQLite and PostgreSQL alike.
    public static var schema: [SchemaMigration] {
        ReturnsSchema.migrations
    }

    /// Who may call which method.
    public static var accessPolicy: AccessPolicy { ReturnsAccess.policy }

    /// The contract's descriptors (with imports), for reflection.
    public static let protoFiles: [ProtoFile] = [
        .supportReturnsV1Returns, .supportCommonV1Common, .googleProtobufTimestamp,
    ]

    /// The loop that requests the refunds of approved returns not yet confirmed by Refunds.
    public func refundFollowUp(every interval: Duration = .seconds(5)) -> BackgroundLoop {
        BackgroundLoop("refund-follow-up", every: interval) { [self] in _ = try await requestPendingRefunds() }
    }

    /// Requests the refunds due (at most `limit`, the longest-waiting attempts first) once;
    /// returns how many Refunds confirmed.
    public func requestPendingRefunds(limit: Int = 100) async throws -> Int {
        var confirmed = 0
        let now = clock()
        let pending = try await store.claimRefunds(
            limit: limit, dueAt: now, until: now.addingTimeInterval(Self.refundClaimDuration))
        logger.debug("refund follow-up", metadata: ["pending": "\(pending.count)"])
        for productReturn in pending where try await requestRefund(for: productReturn) {
            confirmed += 1
        }
        return confirmed
    }

    /// Whether an order can be returned now.
    public func checkEligibility(_ request: CheckEligibilityRequest, context: ServerContext) async throws
        -> ReturnEligibility
    {
        let caller = try context.identity
        let facts = try await orders.facts(of: request.orderID, for: caller)
        let now = clock()
        let eligibility = Eligibility.evaluate(facts, at: now)
        let checkID = "ELG-\(UUID.timeOrdered(at: now).uuidString.lowercased())"
        try await recordEligibility(
            eligibility, facts: facts, caseID: checkID, aggregateType: "eligibility_check", caller: caller, at: now)
        return eligibility.wire(orderID: facts.orderID)
    }

    /// Puts an eligibility answer on record for Oversight (its own transaction: a refusal changes
    /// nothing else).
    private func recordEligibility(
        _ eligibility: Eligibility, facts: ReturnsDomain.PurchaseFacts, caseID: String, aggregateType: String,
        caller: Identity, at now: Date
    ) async throws {
        let event = ReturnsEvents.eligibility(
            eligibility, orderID: facts.orderID, customerID: facts.customerID, caseID: caseID,
            aggregateType: aggregateType, fairness: Self.fairness(facts), by: Actor(caller), at: now)
        try await store.transaction { transaction in try transaction.record([event]) }
    }

    /// Opens a return.
    public func requestReturn(_ request: RequestReturnRequest, context: ServerContext) async throws -> ReturnsAPI.Return
    {
        let caller = try context.identity
        guard let reason = ReturnReason(rawValue: Int(request.reason.rawValue)) else {
            throw RPCError(.invalidArgument, "reason must be one of the ReturnReason values (not UNSPECIFIED)")
        }
        let remedy = ReturnRemedy(rawValue: Int(request.remedy.rawValue)) ?? .refund
        if case .unrecognized = request.remedy {
            throw RPCError(.invalidArgument, "remedy must be REFUND or REPLACEMENT")
        }
        let lines = request.lines.map { ReturnLine(lineNumber: Int($0.lineNumber), quantity: Int($0.quantity)) }
        let facts = try await orders.facts(of: request.orderID, for: caller)
        let requestedAt = clock()
        let returnID = "RET-\(UUID.timeOrdered(at: requestedAt).uuidString.lowercased())"
        let eligibility = Eligibility.evaluate(facts, at: requestedAt)
        guard eligibility.eligible else {
            // A refused request is a decision too: on record, then refused.
            try await recordEligibility(
                eligibility, facts: facts, caseID: returnID, aggregateType: "return", caller: caller, at: clock())
            throw ReturnsError.notAllowed("\(eligibility.explanation) (rule \(eligibility.rule.id))")
        }
        return try await store.command(
            Returns.Method.requestReturn, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, now in
            let actor = Actor(caller)
            let (created, changes) = try ProductReturn.request(
                id: returnID, facts: facts, lines: lines, reason: reason, remedy: remedy,
                description: request.description, alreadyReturned: transaction.returnedUnits(orderID: facts.orderID),
                alreadyRefunded: transaction.refundedUnits(orderID: facts.orderID, excluding: nil), by: actor, at: now)
            let fairness = Self.fairness(facts)
            try transaction.save(created, fairness: fairness)
            try transaction.record(
                ReturnsEvents.events(for: changes, of: created, fairness: fairness, by: actor, at: now))
            return created.wire
        }
    }

    /// One return.
    public func getReturn(_ request: GetReturnRequest, context: ServerContext) async throws -> ReturnsAPI.Return {
        let caller = try context.identity
        return try Self.visible(await store.productReturn(id: request.returnID), id: request.returnID, to: caller).wire
    }

    /// The returns of an order or a customer.
    public func listReturns(_ request: ListReturnsRequest, context: ServerContext) async throws -> ListReturnsResponse {
        let caller = try context.identity
        let byState = request.state != .unspecified
        guard [!request.orderID.isEmpty, !request.customerID.isEmpty, byState].filter({ $0 }).count == 1 else {
            throw RPCError(.invalidArgument, "give exactly one of order_id, customer_id and state")
        }
        if caller.role == .customer, !request.customerID.isEmpty, request.customerID != caller.subject {
            throw RPCError(.permissionDenied, "a customer can only list their own returns")
        }
        let size = try PageCursor.pageSize(request.page?.pageSize ?? 0)
        let cursor = try PageCursor(token: request.page?.pageToken ?? "")
        if byState {
            return try await queue(request.state, caller: caller, size: size, after: cursor)
        }
        // A customer sees only their own returns, filtered as they are read, so that neither a
        // page nor its next_page_token tells of another's. (An order is one customer's: listed by
        // the id of another's order, every return is left out and the list is empty.)
        let (returns, next) = try await PageFiller(size: size, after: cursor).fill(
            read: { limit, after in
                let found = try await store.productReturns(
                    orderID: request.orderID.isEmpty ? nil : request.orderID,
                    customerID: request.customerID.isEmpty ? nil : request.customerID, limit: limit, after: after)
                return caller.role == .customer ? found.filter { $0.customerID == caller.subject } : found
            },
            message: \.wire, cursor: Self.cursor)
        return ListReturnsResponse.with {
            $0.returns = returns
            $0.nextPageToken = next
        }
    }

    /// The parcel arrived.
    public func recordReceipt(_ request: RecordReceiptRequest, context: ServerContext) async throws -> ReturnsAPI.Return
    {
        let caller = try context.identity
        return try await change(
            Returns.Method.recordReceipt, request, key: request.idempotencyKey, returnID: request.returnID,
            caller: caller
        ) {
            productReturn, actor, now, _ in try productReturn.receive(by: actor, at: now)
        }
    }

    /// The inspection's finding; on approval with a refund remedy, Refunds is asked at once (and
    /// again later by the follow-up loop if it cannot be reached now).
    public func recordInspection(_ request: RecordInspectionRequest, context: ServerContext) async throws
        -> ReturnsAPI.Return
    {
        let caller = try context.identity
        guard let finding = InspectionFinding(rawValue: Int(request.finding.rawValue)) else {
            throw RPCError(.invalidArgument, "finding must be one of the InspectionFinding values (not UNSPECIFIED)")
        }
        let inspected = try await change(
            Returns.Method.recordInspection, request, key: request.idempotencyKey, returnID: request.returnID,
            caller: caller
        ) {
            productReturn, actor, now, transaction in
            try productReturn.inspect(
                finding: finding, notes: request.notes,
                alreadyRefunded: transaction.refundedUnits(orderID: productReturn.orderID, excluding: productReturn.id),
                by: actor, at: now)
        }
        let now = clock()
        guard inspected.state == .approved, inspected.remedy == .refund, inspected.refundID.isEmpty,
            let current = try await store.claimRefund(
                returnID: inspected.returnID, dueAt: now, until: now.addingTimeInterval(Self.refundClaimDuration))
        else { return (try await store.productReturn(id: inspected.returnID))?.wire ?? inspected }
        _ = try? await requestRefund(for: current)
        return (try await store.productReturn(id: inspected.returnID))?.wire ?? inspected
    }

    /// Adds a message.
    public func addReturnMessage(_ request: AddReturnMessageRequest, context: ServerContext) async throws
        -> ReturnsAPI.Return
    {
        let caller = try context.identity
        return try await change(
            Returns.Method.addReturnMessage, request, key: request.idempotencyKey, returnID: request.returnID,
            caller: caller
        ) {
            productReturn, actor, now, _ in try productReturn.addMessage(request.text, by: actor, at: now)
        }
    }

    /// Asks Refunds for the return's refund (idempotent by the return's key) and records the
    /// refund id; false if Refunds could not be reached (the attempt is postponed by
    /// ``refundRetryDelay``) or refused for good (the return is blocked: ``blockRefund(of:because:)``).
    func requestRefund(for pending: ProductReturn) async throws -> Bool {
        let refund: RefundsAPI.Refund
        do {
            refund = try await refunds.createRefund(
                CreateRefundRequest.with {
                    $0.idempotencyKey = pending.refundRequestKey
                    $0.orderID = pending.orderID
                    $0.amount = pending.refundAmount.wire
                    $0.source = RefundSource.with { $0.kind = .returnID(pending.id) }
                }, options: CallOptions(timeout: .seconds(10), isSafeToRetry: true))
        } catch {
            let refusal = RPCError(converting: error)
            if Self.refusedForGood.contains(refusal.code) {
                logger.warning(
                    "refund refused for good; the return goes to the agents' queue",
                    metadata: ["return": "\(pending.id)", "error": "\(refusal)"])
                try await blockRefund(of: pending, because: "\(refusal.code): \(refusal.message)")
                return false
            }
            logger.warning(
                "refund request failed; it will be retried",
                metadata: ["return": "\(pending.id)", "error": "\(refusal)"])
            try await store.postponeRefund(
                returnID: pending.id, until: clock().addingTimeInterval(Self.refundRetryDelay))
            return false
        }
        let service = Actor(subject: "returns", role: .service)
        return try await store.transaction { transaction in
            guard var current = try transaction.productReturn(id: pending.id), current.awaitsRefund else {
                return false
            }
            let now = clock()
            let changes = try current.recordRefund(id: refund.refundID, by: service, at: now)
            try transaction.save(current, fairness: nil)
            let fairness = try transaction.fairness(returnID: current.id)
            try transaction.record(
                ReturnsEvents.events(for: changes, of: current, fairness: fairness, by: service, at: now))
            return true
        }
    }

    /// The answers of Refunds that no retry can change: the return is blocked for an agent.
    static let refusedForGood: Set<StatusCode> = [
        .invalidArgument, .failedPrecondition, .alreadyExists, .notFound, .outOfRange,
    ]

    /// Seconds a replica holds the refund requests it claimed (``ReturnStore/claimRefunds(limit:dueAt:until:)``):
    /// with several replicas on one database each return is asked for by one of them, and the
    /// requests of a replica that died are taken over by another after this long.
    public static let refundClaimDuration: TimeInterval = 60

    /// Seconds before a refund request that could not reach Refunds is tried again (the follow-up's
    /// interval: it waits its turn behind the others, and a restart picks it up within seconds).
    public static let refundRetryDelay: TimeInterval = 5

    /// Moves a return whose refund Refunds refused for good to REFUND_BLOCKED: the customer is
    /// told, the return joins the agents' queue, and Oversight gets the refusal.
    func blockRefund(of pending: ProductReturn, because reason: String) async throws {
        let service = Actor(subject: "returns", role: .service)
        try await store.transaction { transaction in
            guard var current = try transaction.productReturn(id: pending.id), current.awaitsRefund else { return }
            let now = clock()
            let changes = try current.blockRefund(reason: reason, by: service, at: now)
            try transaction.save(current, fairness: nil)
            let fairness = try transaction.fairness(returnID: current.id)
            try transaction.record(
                ReturnsEvents.events(for: changes, of: current, fairness: fairness, by: service, at: now))
        }
    }

    /// A page of the returns in `state`, oldest first (agents, services and auditors only).
    private func queue(_ state: WireReturnState, caller: Identity, size: Int, after cursor: PageCursor?)
        async throws -> ListReturnsResponse
    {
        guard caller.role != .customer else {
            throw RPCError(.permissionDenied, "only agents list returns by state")
        }
        guard let state = ReturnState(rawValue: Int(state.rawValue)) else {
            throw RPCError(.invalidArgument, "state \(state.rawValue) is not a ReturnState")
        }
        let (returns, next) = try await PageFiller(size: size, after: cursor).fill(
            read: { limit, after in try await store.productReturns(state: state, limit: limit, after: after) },
            message: \.wire, cursor: Self.cursor)
        return ListReturnsResponse.with {
            $0.returns = returns
            $0.nextPageToken = next
        }
    }

    /// Where a page of returns continues after `productReturn` (pages within about 3 MiB:
    /// ``Runtime/PageFiller``).
    private static func cursor(_ productReturn: ProductReturn) -> PageCursor {
        PageCursor(sortKey: productReturn.requestedAt.timeIntervalSince1970, id: productReturn.id)
    }

    private func change<Request: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, returnID: String, caller: Identity,
        _ step: @escaping @Sendable (inout ProductReturn, Actor, Date, any ReturnsTransaction) throws -> [CaseChange]
    ) async throws -> ReturnsAPI.Return {
        try await store.command(method, request, key: key, caller: caller.subject, at: clock()) { transaction, now in
            var productReturn = try Self.visible(transaction.productReturn(id: returnID), id: returnID, to: caller)
            let actor = Actor(caller)
            let changes = try step(&productReturn, actor, now, transaction)
            try transaction.save(productReturn, fairness: nil)
            let fairness = try transaction.fairness(returnID: returnID)
            try transaction.record(
                ReturnsEvents.events(for: changes, of: productReturn, fairness: fairness, by: actor, at: now))
            return productReturn.wire
        }
    }

    static func visible(_ productReturn: ProductReturn?, id: String, to caller: Identity) throws(ReturnsError)
        -> ProductReturn
    {
        guard let productReturn, caller.role != .customer || productReturn.customerID == caller.subject else {
            throw .notFound("return '\(id)' not found")
        }
        return productReturn
    }

    static func fairness(_ facts: ReturnsDomain.PurchaseFacts) -> FairnessFacts {
        var fairness = facts.fairness
        if fairness.orderValue == nil { fairness.orderValue = facts.paid }
        return fairness
    }
}
