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
        do {
            return try Self.facts(from: wire, paid: paid)
        } catch {
            throw RPCError(.failedPrecondition, "Orders' facts of order '\(orderID)' are unusable: \(error.message)")
        }
    }

    /// The domain facts of Orders' answer, every number and time range-checked (Orders is a peer
    /// on the network like any other).
    static func facts(from wire: OrdersAPI.PurchaseFacts, paid: CommonAPI.Money) throws(RPCError)
        -> ReturnsDomain.PurchaseFacts
    {
        guard paid.minorUnits >= 0 else { throw RPCError(.invalidArgument, "paid is negative") }
        let progress: ReturnsDomain.PurchaseFacts.Progress
        switch wire.status {
        case .delivered:
            progress =
                try wire.deliveredAt.map { (at) throws(RPCError) in .delivered(try at.validDate("delivered_at")) }
                ?? .notDelivered
        case .cancelled: progress = .cancelled
        default: progress = .notDelivered
        }
        var lines: [ReturnsDomain.PurchaseFacts.Line] = []
        for (index, line) in wire.lines.enumerated() {
            guard line.quantity >= 0, (line.unitPrice?.minorUnits ?? 0) >= 0 else {
                throw RPCError(.invalidArgument, "lines[\(index)] has a negative quantity or price")
            }
        }
        let shares = try Self.paidShares(of: wire, paid: paid.minorUnits)
        for (line, share) in zip(wire.lines, shares) {
            lines.append(
                .init(
                    number: Int(line.lineNumber), quantity: Int(line.quantity),
                    unitPrice: Money(trustedWire: line.unitPrice ?? CommonAPI.Money()),
                    paidShare: Money(minorUnits: share, currency: paid.currencyCode)))
        }
        return ReturnsDomain.PurchaseFacts(
            orderID: wire.orderID, customerID: wire.customerID,
            paid: Money(trustedWire: paid), progress: progress, lines: lines,
            fairness: try FairnessFacts(wire: wire.fairness))
    }

    /// The lines' frozen shares of what was paid, as Orders gives them (`paid_share`); an Orders
    /// that gives none gets them split here by the same rule (``SupportPolicy/PaidShare``).
    static func paidShares(of wire: OrdersAPI.PurchaseFacts, paid: Int64) throws(RPCError) -> [Int64] {
        let given = wire.lines.compactMap { $0.paidShare?.minorUnits }
        if given.count == wire.lines.count, given.allSatisfy({ $0 >= 0 }) { return given }
        let amounts = wire.lines.map { line in
            let (amount, overflow) = (line.unitPrice?.minorUnits ?? 0).multipliedReportingOverflow(
                by: Int64(line.quantity))
            return overflow ? nil : amount
        }
        let values = amounts.compactMap { $0 }
        guard values.count == amounts.count else {
            throw RPCError(.failedPrecondition, "the value of order '\(wire.orderID)''s lines overflows")
        }
        guard let shares = PaidShare.lineShares(paid: paid, amounts: values) else {
            throw RPCError(.failedPrecondition, "order '\(wire.orderID)' paid more than its lines' total")
        }
        return shares
    }
}
