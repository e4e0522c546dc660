import Foundation
import OrdersAPI
import OrdersDomain
import Runtime

extension OrdersService {
    /// Loads orders in bulk, for demo data and benchmarks: each is admitted as ImportOrder admits
    /// it (``OrdersDomain/Order/admit(now:)``), and a batch is one transaction (no idempotency
    /// records, no events: these are historical facts, not support interactions). Orders already
    /// present are skipped. Returns how many were added.
    @discardableResult
    public func seed(_ orders: [OrdersAPI.Order]) async throws -> Int {
        let now = clock()
        var domain: [Order] = []
        domain.reserveCapacity(orders.count)
        for wire in orders {
            var order = try Order(wire: wire)
            try order.admit(now: now)
            domain.append(order)
        }
        let batch = domain
        return try await store.seed(batch)
    }
}
