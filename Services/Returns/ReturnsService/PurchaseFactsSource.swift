import CommonAPI
import Foundation
import OrdersAPI
import OrdersLookup
import RPC
import ReturnsDomain
import Runtime
import SupportPolicy
import Wire

/// What Returns needs of an order, from Orders (``OrdersLookup/PurchaseFactsClient``): its
/// owner, what was paid, its lines with their frozen shares, and whether it was delivered.
struct PurchaseFactsSource: Sendable {
    /// The Orders client (carrying this service's token).
    let orders: PurchaseFactsClient

    /// The facts of `orderID`, for `caller`: a customer asking about another customer's order gets
    /// NOT_FOUND, as Orders would answer; UNAVAILABLE while Orders is down.
    func facts(of orderID: String, for caller: Identity) async throws -> ReturnsDomain.PurchaseFacts {
        let wire = try await orders.facts(of: orderID)
        guard caller.role != .customer || wire.customerID == caller.subject else {
            throw RPCError(.notFound, "order '\(orderID)' not found")
        }
        guard let paid = wire.paid else { throw RPCError(.failedPrecondition, "order '\(orderID)' has no payment") }
        let progress: ReturnsDomain.PurchaseFacts.Progress =
            switch wire.status {
            case .delivered: wire.deliveredAt.map { .delivered($0.date) } ?? .notDelivered
            case .cancelled: .cancelled
            default: .notDelivered
            }
        let shares = try Self.paidShares(of: wire, paid: paid.minorUnits)
        return ReturnsDomain.PurchaseFacts(
            orderID: wire.orderID, customerID: wire.customerID,
            paid: Money(trustedWire: paid), progress: progress,
            lines: zip(wire.lines, shares).map { line, share in
                .init(
                    number: Int(line.lineNumber), quantity: Int(line.quantity),
                    unitPrice: Money(trustedWire: line.unitPrice ?? CommonAPI.Money()),
                    paidShare: Money(minorUnits: share, currency: paid.currencyCode))
            },
            fairness: FairnessFacts(wire: wire.fairness))
    }

    /// The lines' frozen shares of what was paid, as Orders gives them (`paid_share`); an Orders
    /// that gives none gets them split here by the same rule (``SupportPolicy/PaidShare``).
    static func paidShares(of wire: OrdersAPI.PurchaseFacts, paid: Int64) throws(RPCError) -> [Int64] {
        let given = wire.lines.compactMap { $0.paidShare?.minorUnits }
        if given.count == wire.lines.count, given.allSatisfy({ $0 >= 0 }) { return given }
        let amounts = wire.lines.map { line in
            let (amount, overflow) = (line.unitPrice?.minorUnits ?? 0).multipliedReportingOverflow(
                by: Int64(line.quantity))
            return overflow ? -1 : amount
        }
        guard let shares = PaidShare.lineShares(paid: paid, amounts: amounts) else {
            throw RPCError(.failedPrecondition, "order '\(wire.orderID)' paid more than its lines' total")
        }
        return shares
    }
}
