import Foundation
import OversightAPI
import RPC
import ReturnsDomain
import Runtime
import SupportPolicy

/// Where Returns keeps its returns. The handlers see only this protocol; ``SQLiteReturnStore``
/// implements it, and a PostgreSQL store can follow.
protocol ReturnStore: Sendable {
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
    /// Approved returns whose refund Refunds has not yet confirmed.
    func awaitingRefund(limit: Int) async throws -> [ProductReturn]
}

/// What a command may do inside its transaction.
protocol ReturnsTransaction {
    /// One return.
    func productReturn(id: String) throws -> ProductReturn?
    /// Units of each line of an order already in open or approved returns.
    func returnedUnits(orderID: String) throws -> [Int: Int]
    /// Stores a new or changed return; `fairness` (recorded for Oversight only) is written with a
    /// new return and kept as it was on later saves.
    func save(_ productReturn: ProductReturn, fairness: FairnessFacts?) throws
    /// The fairness facts recorded with a return.
    func fairness(returnID: String) throws -> FairnessFacts
    /// Adds events for Oversight to the outbox.
    func record(_ events: [Event]) throws
}
