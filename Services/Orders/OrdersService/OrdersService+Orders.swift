import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

extension OrdersService {
    /// Stores an order from the platform.
    public func importOrder(_ request: ImportOrderRequest, context: ServerContext) async throws -> OrdersAPI.Order {
        let caller = try context.identity
        guard let wireOrder = request.order else { throw RPCError(.invalidArgument, "order is required") }
        var imported = try Order(wire: wireOrder)
        try imported.admit(now: clock())
        let order = imported
        return try await store.command(
            Orders.Method.importOrder, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, _ in
            if try transaction.order(id: order.id) != nil {
                throw OrdersError.conflict("order '\(order.id)' was already imported (with another idempotency_key)")
            }
            try transaction.insert(order)
            return order.wire
        }
    }

    /// Records a carrier event; answers with the order's progress (`trackingWire`).
    public func recordTrackingEvent(_ request: RecordTrackingEventRequest, context: ServerContext) async throws
        -> OrdersAPI.Order
    {
        let caller = try context.identity
        guard let wireEvent = request.event else { throw RPCError(.invalidArgument, "event is required") }
        let event = try TrackingEvent(wire: wireEvent)
        return try await store.command(
            Orders.Method.recordTrackingEvent, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) { transaction, now in
            let stored = try Self.visible(transaction.order(id: request.orderID), id: request.orderID, to: caller)
            var order = stored
            if try order.record(event, now: now) { try transaction.update(order, from: stored) }
            return order.trackingWire
        }
    }

    /// One order; its reply translated once per kept read (``SQLOrderStore/orderAndWire(id:)``).
    public func getOrder(_ request: GetOrderRequest, context: ServerContext) async throws -> OrdersAPI.Order {
        let caller = try context.identity
        let found = try await store.orderAndWire(id: request.orderID)
        let order = try Self.visible(found?.order, id: request.orderID, to: caller)
        return found?.wire ?? order.wire  // (found is there once the order is visible)
    }

    /// An order's status, confirmed.
    public func getOrderStatus(_ request: GetOrderStatusRequest, context: ServerContext) async throws
        -> OrderStatusReply
    {
        let caller = try context.identity
        let found = try await store.orderStatusWithOpenIssueCount(id: request.orderID)
        let order = try Self.visible(found?.order, id: request.orderID, to: caller)
        let open = found?.openIssues ?? 0
        return OrderStatusReply.with {
            $0.orderID = order.id
            $0.status = order.status.wire
            $0.latestEvent = order.latestTrackingEvent?.wire
            $0.updatedAt = Timestamp(order.statusChangedAt)
            $0.summary = order.statusSummary
            $0.openIssueCount = Int32(clamping: open)
        }

    }

    /// A customer's orders, newest first: `page_size` of them, or fewer once the page holds about
    /// 3 MiB (an order may be megabytes: 500 lines, 200 tracking events): ``Runtime/PageFiller``.
    public func listOrders(_ request: ListOrdersRequest, context: ServerContext) async throws -> ListOrdersResponse {
        let caller = try context.identity
        guard !request.customerID.isEmpty else { throw RPCError(.invalidArgument, "customer_id is required") }
        if caller.role == .customer, request.customerID != caller.subject {
            throw RPCError(.permissionDenied, "a customer can only list their own orders")
        }
        let page = PageFiller(
            size: try PageCursor.pageSize(request.page?.pageSize ?? 0),
            after: try PageCursor(token: request.page?.pageToken ?? ""))
        let (orders, next) = try await page.fill(
            read: { limit, after in try await store.orders(customerID: request.customerID, limit: limit, after: after)
            },
            message: \.wire, cursor: { PageCursor(sortKey: $0.placedAt.timeIntervalSince1970, id: $0.id) })
        return ListOrdersResponse.with {
            $0.orders = orders
            $0.nextPageToken = next
        }
    }

    /// What was paid and when the order was delivered, for Returns and Refunds.
    public func getPurchaseFacts(_ request: GetPurchaseFactsRequest, context: ServerContext) async throws
        -> PurchaseFacts
    {
        let caller = try context.identity
        let order = try Self.visible(await store.order(id: request.orderID), id: request.orderID, to: caller)
        return PurchaseFacts.with {
            $0.orderID = order.id
            $0.customerID = order.customerID
            $0.paid = order.paid.wire
            $0.status = order.status.wire
            $0.deliveredAt = order.deliveredAt.map { Timestamp($0) }
            $0.lines = order.lines.map(\.wire)
            $0.fairness = order.recordedFairness.wire
        }

    }

    /// Corrects the address: on the order before shipment, by carrier redirect after.
    public func correctAddress(_ request: CorrectAddressRequest, context: ServerContext) async throws
        -> CorrectAddressResponse
    {
        let caller = try context.identity
        guard let wireAddress = request.address else { throw RPCError(.invalidArgument, "address is required") }
        let address = Address(wire: wireAddress)
        let reportedAt = clock()
        let issueID = "ISS-\(UUID.timeOrdered(at: reportedAt).uuidString.lowercased())"
        return try await store.command(
            Orders.Method.correctAddress, request, key: request.idempotencyKey, caller: caller.subject, at: reportedAt
        ) {
            transaction, now in
            let stored = try Self.visible(transaction.order(id: request.orderID), id: request.orderID, to: caller)
            var order = stored
            let actor = Actor(caller)
            let (issue, changes) = try Issue.report(
                id: issueID, on: order, category: .addressCorrection, description: "Address correction requested",
                requestedAddress: address, by: actor, at: now)
            try transaction.insert(issue)
            try transaction.record(OrdersEvents.events(for: changes, issue: issue, order: order, by: actor, at: now))
            guard issue.resolution == .updateAddress else {
                return CorrectAddressResponse.with { $0.outcome = .redirectIssue(issue.wire) }
            }
            try order.changeAddress(to: address)
            try transaction.update(order, from: stored)
            return CorrectAddressResponse.with { $0.outcome = .updatedOrder(order.wire) }
        }
    }

    /// Adjusts order details before shipment.
    public func adjustOrder(_ request: AdjustOrderRequest, context: ServerContext) async throws -> OrdersAPI.Order {
        let caller = try context.identity
        let changes = request.lines.map { LineAdjustment(lineNumber: Int($0.lineNumber), quantity: Int($0.quantity)) }
        return try await store.command(
            Orders.Method.adjustOrder, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, now in
            let stored = try Self.visible(transaction.order(id: request.orderID), id: request.orderID, to: caller)
            var order = stored
            try order.adjust(changes, note: request.customerNote)
            try transaction.update(order, from: stored)
            try transaction.record([
                OrdersEvents.orderDecision(
                    "ADJUST_ORDER", rule: IssuePlaybook.adjustmentBeforeShipment, order: order, by: Actor(caller),
                    at: now)
            ])
            return order.wire
        }
    }
}
