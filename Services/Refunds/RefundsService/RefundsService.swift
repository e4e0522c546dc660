import CommonAPI
import Foundation
import Metrics
import OrdersAPI
import OrdersLookup
import RPC
import RefundsAPI
import RefundsDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// `support.refunds.v1.Refunds`: handlers that check the caller, fetch what an order paid from
/// Orders (once; kept locally), and run each command in one transaction with its idempotency
/// record and outbox events. SQLite serializes write transactions, so two partial refunds racing
/// each other are checked one after the other against the same balance.
public struct RefundsService: Refunds.ServiceProtocol {
    let store: any RefundStore
    let orders: OrderFactsSource
    let clock: @Sendable () -> Date
    /// `refund_sla_breaches_total`: refunds found still open after their expected_by.
    let breaches: Counter

    /// The service on `database`, asking Orders through `orders` (a client carrying this
    /// service's credentials), counting SLA breaches in `metrics`; `clock` gives "now".
    public init(
        database: ServiceDatabase, orders: RPCClient, metrics: any MetricsFactory = MetricsSystem.factory,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = SQLRefundStore(database: database)
        self.orders = OrderFactsSource(orders: PurchaseFactsClient(orders: orders))
        self.clock = clock
        self.breaches = Counter(label: "refund_sla_breaches_total", factory: metrics)
    }

    /// The migrations of the Refunds database, for SQLite and PostgreSQL alike.
    public static var schema: [SchemaMigration] {
        RefundsSchema.migrations
    }

    /// Who may call which method.
    public static var accessPolicy: AccessPolicy { RefundsAccess.policy }

    /// The contract's descriptors (with imports), for reflection.
    public static let protoFiles: [ProtoFile] = [
        .supportRefundsV1Refunds, .supportCommonV1Common, .googleProtobufTimestamp,
    ]

    /// The loop reporting overdue refunds to Oversight as SLA breaches (each once).
    public func slaMonitor(every interval: Duration = .seconds(60)) -> BackgroundLoop {
        BackgroundLoop("sla-monitor", every: interval) { [self] in
            _ = try await reportBreaches()
        }
    }

    /// Reports SLA breaches now and counts them (`refund_sla_breaches_total`); returns how many
    /// were new (tests and the monitor use it).
    public func reportBreaches() async throws -> Int {
        let now = clock()
        let count = try await store.reportBreaches(at: now) { refund in
            RefundsEvents.breach(refund, facts: nil, at: now)
        }
        if count > 0 { breaches.increment(by: count) }
        return count
    }

    /// Creates a refund.
    public func createRefund(_ request: CreateRefundRequest, context: ServerContext) async throws -> RefundsAPI.Refund {
        let caller = try context.identity
        try Self.checkID(request.orderID, "order_id")
        let amount = try Money(wire: request.amount, field: "amount")
        let source = try RefundSource(wire: request.source)
        let facts: OrderFacts
        if let known = try await store.orderFacts(id: request.orderID) {
            facts = known
        } else {
            facts = try await orders.facts(of: request.orderID)
        }
        let createdAt = clock()
        let refundID = "REF-\(UUID.timeOrdered(at: createdAt).uuidString.lowercased())"
        do {
            return try await store.command(
                Refunds.Method.createRefund, request, key: request.idempotencyKey, caller: caller.subject, at: createdAt
            ) {
                transaction, now in
                if try transaction.orderFacts(id: facts.orderID) == nil { try transaction.save(facts) }
                let refund = try Refund.create(
                    id: refundID, orderID: facts.orderID, customerID: facts.customerID, paid: facts.paid,
                    existing: transaction.refunds(orderID: facts.orderID), amount: amount, source: source, at: now)
                try transaction.save(refund)
                try transaction.record(RefundsEvents.opened(refund, facts: facts, by: Actor(caller), at: now))
                return refund.wire(at: now)
            }
        } catch let refusal as RefundsError {
            // Refused by rule (more than remains refundable, or the case already refunded): on record.
            if case .invalid = refusal { throw refusal }
            try await store.record([
                RefundsEvents.refused(
                    refusal, orderID: facts.orderID, source: source, facts: facts, by: Actor(caller), at: clock())
            ])
            throw refusal
        }
    }

    /// One refund.
    public func getRefund(_ request: GetRefundRequest, context: ServerContext) async throws -> RefundsAPI.Refund {
        let caller = try context.identity
        let refund = try await store.refund(id: request.refundID)
        guard let refund, caller.role != .customer || refund.customerID == caller.subject else {
            throw RPCError(.notFound, "refund '\(request.refundID)' not found")
        }
        return refund.wire(at: clock())
    }

    /// The refunds of an order or a customer.
    public func listRefunds(_ request: ListRefundsRequest, context: ServerContext) async throws -> ListRefundsResponse {
        let caller = try context.identity
        guard request.orderID.isEmpty != request.customerID.isEmpty else {
            throw RPCError(.invalidArgument, "give exactly one of order_id and customer_id")
        }
        if caller.role == .customer {
            if !request.customerID.isEmpty, request.customerID != caller.subject {
                throw RPCError(.permissionDenied, "a customer can only list their own refunds")
            }
            if !request.orderID.isEmpty, try await store.orderFacts(id: request.orderID)?.customerID != caller.subject {
                throw RPCError(.notFound, "order '\(request.orderID)' has no refunds")
            }
        }
        let page = PageFiller(
            size: try PageCursor.pageSize(request.page?.pageSize ?? 0),
            after: try PageCursor(token: request.page?.pageToken ?? ""))
        let now = clock()
        let (refunds, next) = try await page.fill(
            read: { limit, after in
                try await store.refunds(
                    orderID: request.orderID.isEmpty ? nil : request.orderID,
                    customerID: request.customerID.isEmpty ? nil : request.customerID, limit: limit, after: after)
            },
            message: { $0.wire(at: now) },
            cursor: { PageCursor(sortKey: $0.approvedAt.timeIntervalSince1970, id: $0.id) })
        return ListRefundsResponse.with {
            $0.refunds = refunds
            $0.nextPageToken = next
        }
    }

    /// What an order paid and what remains refundable.
    public func getRefundBalance(_ request: GetRefundBalanceRequest, context: ServerContext) async throws
        -> RefundsAPI.RefundBalance
    {
        let caller = try context.identity
        try Self.checkID(request.orderID, "order_id")
        let facts: OrderFacts
        if let known = try await store.orderFacts(id: request.orderID) {
            facts = known
        } else {
            facts = try await orders.facts(of: request.orderID)
        }
        guard caller.role != .customer || facts.customerID == caller.subject else {
            throw RPCError(.notFound, "order '\(request.orderID)' not found")
        }
        let refunds = try await store.refunds(orderID: facts.orderID, customerID: nil, limit: 10_000, after: nil)
        return RefundBalance(paid: facts.paid, refunds: refunds).wire(orderID: facts.orderID)
    }

    /// The payment side started paying out.
    public func markProcessing(_ request: MarkProcessingRequest, context: ServerContext) async throws
        -> RefundsAPI.Refund
    {
        let caller = try context.identity
        return try await change(
            Refunds.Method.markProcessing, request, key: request.idempotencyKey, refundID: request.refundID,
            caller: caller
        ) {
            refund, now in try refund.markProcessing(reference: request.paymentReference, at: now)
        }
    }

    /// The payment side reports completion or failure.
    public func reportOutcome(_ request: ReportOutcomeRequest, context: ServerContext) async throws -> RefundsAPI.Refund
    {
        let caller = try context.identity
        guard let outcome = request.outcome else {
            throw RPCError(.invalidArgument, "give completed_reference or failure_reason")
        }
        return try await change(
            Refunds.Method.reportOutcome, request, key: request.idempotencyKey, refundID: request.refundID,
            caller: caller
        ) {
            refund, now in
            switch outcome {
            case .completedReference(let reference): try refund.complete(reference: reference, at: now)
            case .failureReason(let reason): try refund.fail(reason: reason, at: now)
            }
        }
    }

    private func change<Request: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, refundID: String, caller: Identity,
        _ step: @escaping @Sendable (inout Refund, Date) throws -> Void
    ) async throws -> RefundsAPI.Refund {
        try await store.command(method, request, key: key, caller: caller.subject, at: clock()) { transaction, now in
            guard var refund = try transaction.refund(id: refundID) else {
                throw RefundsError.notFound("refund '\(refundID)' not found")
            }
            let before = refund.state
            try step(&refund, now)
            try transaction.save(refund)
            let facts =
                try transaction.orderFacts(id: refund.orderID)
                ?? OrderFacts(
                    orderID: refund.orderID, customerID: refund.customerID, paid: refund.amount,
                    fairness: FairnessFacts())
            try transaction.record(
                RefundsEvents.changed(refund, from: before, facts: facts, by: Actor(caller), at: now))
            return refund.wire(at: now)
        }
    }

    private static func checkID(_ value: String, _ field: String) throws(RPCError) {
        guard !value.isEmpty, value.utf8.count <= 128 else {
            throw RPCError(.invalidArgument, "\(field) must be 1 to 128 characters")
        }
    }
}
