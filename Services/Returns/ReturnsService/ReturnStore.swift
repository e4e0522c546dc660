import CommonAPI
import Foundation
import RPC
import ReturnsDomain
import Runtime
import Storage
import SupportPolicy

/// Where Returns keeps its returns. The handlers see only this protocol; ``SQLReturnStore``
/// implements it on SQLite and PostgreSQL with the same SQL.
protocol ReturnStore: CommandStore where Transaction == any ReturnsTransaction {
    /// Runs one command in one transaction with its idempotency record (see `OrderStore`).
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any ReturnsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]
    /// Runs `body` in one transaction without an idempotency record (the refund follow-up,
    /// which is idempotent by itself).
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any ReturnsTransaction) throws -> Result)
        async throws
        -> Result
    /// One return.
    func productReturn(id: String) async throws -> ProductReturn?
    /// Returns of an order or a customer, newest first, after `cursor`.
    func productReturns(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws
        -> [ProductReturn]
    /// Claims the approved returns whose refund Refunds has not yet confirmed and whose next
    /// attempt is due at `now` (at most `limit`, the longest-waiting attempt first): their next
    /// attempt moves to `claimEnd`, so that no other replica asks for them meanwhile, and a
    /// replica that dies holding them leaves them to the others once `claimEnd` passes. (An
    /// attempt that fails is postponed, so it moves behind the others: none starves.)
    func claimRefunds(limit: Int, dueAt now: Date, until claimEnd: Date) async throws -> [ProductReturn]
    /// Claims one return's refund request as ``claimRefunds(limit:dueAt:until:)`` does; nil when
    /// it no longer awaits a refund or another replica holds it.
    func claimRefund(returnID: String, dueAt now: Date, until claimEnd: Date) async throws -> ProductReturn?
    /// Postpones the next refund attempt of a return to `time`.
    func postponeRefund(returnID: String, until time: Date) async throws
    /// Returns in `state`, oldest first, after `cursor` (the agents' queues).
    func productReturns(state: ReturnState, limit: Int, after cursor: PageCursor?) async throws -> [ProductReturn]
}

/// What a command may do inside its transaction.
protocol ReturnsTransaction {
    /// One return.
    func productReturn(id: String) throws -> ProductReturn?
    /// Units of each line of an order already in open or approved returns.
    func returnedUnits(orderID: String) throws -> [Int: Int]
    /// Units of each line of an order approved for a refund by its returns other than `returnID`
    /// (``ReturnsDomain/ProductReturn/holdsRefundedUnits``).
    func refundedUnits(orderID: String, excluding returnID: String?) throws -> [Int: Int]
    /// Stores a new or changed return; `fairness` (recorded for Oversight only) is written with a
    /// new return and kept as it was on later saves.
    func save(_ productReturn: ProductReturn, fairness: FairnessFacts?) throws
    /// The fairness facts recorded with a return.
    func fairness(returnID: String) throws -> FairnessFacts
    /// Adds events for Oversight to the outbox.
    func record(_ events: [Event]) throws
}
