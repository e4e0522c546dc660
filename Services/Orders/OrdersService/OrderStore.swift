import CommonAPI
import Foundation
import OrdersDomain
import RPC
import Runtime
import Storage

/// Where Orders keeps its orders and issues. The handlers and the domain see only this protocol;
/// ``SQLOrderStore`` implements it on SQLite and PostgreSQL with the same SQL.
protocol OrderStore: CommandStore where Transaction == any OrdersTransaction {
    /// Runs one command in one transaction: its changes, its outbox events and its idempotency
    /// record commit together. A retry with the same key and request returns the stored response
    /// without running `body` again.
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OrdersTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]

    /// Adds `orders` that are not there yet, in one transaction; returns how many were added.
    func seed(_ orders: [Order]) async throws -> Int

    /// One order.
    func order(id: String) async throws -> Order?
    /// One order and its contract message (GetOrder's reply), translated once per read kept.
    func orderAndWire(id: String) async throws -> (order: Order, wire: WireOrder)?
    /// A customer's orders, newest first, after `cursor`.
    func orders(customerID: String, limit: Int, after cursor: PageCursor?) async throws -> [Order]
    /// One issue.
    func issue(id: String) async throws -> Issue?
    /// Issues of an order or of a customer, newest first, after `cursor`.
    func issues(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Issue]
    /// What an order's status needs, and how many of its issues are not yet resolved, decided or
    /// closed, read together (one read: GetOrderStatus answers with both): the order's row and
    /// its tracking events, its `lines` and `payments` left empty (not read: a status does not
    /// depend on them, and they are two of the read's five statements).
    func orderStatusWithOpenIssueCount(id: String) async throws -> (order: Order, openIssues: Int)?
}

/// What a command may do inside its transaction.
protocol OrdersTransaction {
    /// One order.
    func order(id: String) throws -> Order?
    /// One order's row and lines, its payments and tracking events left empty: what reporting an
    /// issue needs; never stored back.
    func orderWithoutPaymentsAndTracking(id: String) throws -> Order?
    /// Stores a new order.
    func insert(_ order: Order) throws
    /// Stores a changed order; `stored` is the order as this transaction read it (``order(id:)``),
    /// so that only what changed is written.
    func update(_ order: Order, from stored: Order) throws
    /// One issue.
    func issue(id: String) throws -> Issue?
    /// Stores a new or changed issue.
    func save(_ issue: Issue) throws
    /// Stores a new issue (one whose id is not stored yet: an error if it is).
    func insert(_ issue: Issue) throws
    /// Adds events for Oversight to the outbox.
    func record(_ events: [Event]) throws
}
