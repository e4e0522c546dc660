import CommonAPI
import Foundation
import RPC
import Runtime
import Storage

/// Where Refunds keeps its refunds and the order facts it fetched. The handlers see only this
/// protocol; ``SQLRefundStore`` implements it on SQLite and PostgreSQL with the same SQL.
protocol RefundStore: CommandStore where Transaction == any RefundsTransaction {
    /// Runs one command in one transaction with its idempotency record (see `OrderStore`).
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any RefundsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]
    /// Adds events for Oversight to the outbox in a transaction of their own (a refused request
    /// changes nothing else but is on record).
    func record(_ events: [Event]) async throws
    /// The stored facts of an order, if fetched before.
    func orderFacts(id: String) async throws -> OrderFacts?
    /// One refund.
    func refund(id: String) async throws -> Refund?
    /// Refunds of an order or a customer, newest first, after `cursor`.
    func refunds(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Refund]
    /// Records SLA breaches: every open refund past its deadline not yet reported gets `event`
    /// into the outbox and is marked reported, in one transaction. Returns how many.
    func reportBreaches(at now: Date, event: @escaping @Sendable (Refund) -> Event) async throws -> Int
}

/// What a command may do inside its transaction.
protocol RefundsTransaction {
    /// The stored facts of an order.
    func orderFacts(id: String) throws -> OrderFacts?
    /// Stores fetched facts (first fetch only).
    func save(_ facts: OrderFacts) throws
    /// Every refund of an order.
    func refunds(orderID: String) throws -> [Refund]
    /// One refund.
    func refund(id: String) throws -> Refund?
    /// Stores a new or changed refund.
    func save(_ refund: Refund) throws
    /// Adds events for Oversight to the outbox.
    func record(_ events: [Event]) throws
}
