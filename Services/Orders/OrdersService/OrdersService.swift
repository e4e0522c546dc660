import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import Storage
import Wire

/// `support.orders.v1.Orders`: thin handlers that check the caller, translate between the
/// contract and the domain, and run each command in one store transaction (change, outbox events
/// and idempotency record together). The rules live in the domain (`OrdersDomain`).
public struct OrdersService: Orders.ServiceProtocol {
    let store: any OrderStore
    let clock: @Sendable () -> Date

    /// The service on `database` (SQLite or PostgreSQL, migrated with ``schema``); `clock` gives "now".
    public init(database: ServiceDatabase, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = SQLOrderStore(database: database)
        self.clock = clock
    }

    /// The migrations of the Orders database, for SQLite and PostgreSQL alike.
    public static var schema: [SchemaMigration] {
        OrdersSchema.migrations
    }

    /// Who may call which method.
    public static var accessPolicy: AccessPolicy { OrdersAccess.policy }

    /// The contract's descriptors (with imports), for reflection.
    public static let protoFiles: [ProtoFile] = [
        .supportOrdersV1Orders, .supportCommonV1Common, .googleProtobufTimestamp,
    ]

    /// `order` if it exists and `caller` may see it; customers see only their own (another
    /// customer's order is NOT_FOUND, so its existence is not revealed).
    static func visible(_ order: Order?, id: String, to caller: Identity) throws(OrdersError) -> Order {
        guard let order, caller.role != .customer || order.customerID == caller.subject else {
            throw .notFound("order '\(id)' not found")
        }
        return order
    }

    /// `issue` if it exists and `caller` may see it.
    static func visible(_ issue: Issue?, id: String, to caller: Identity) throws(OrdersError) -> Issue {
        guard let issue, caller.role != .customer || issue.customerID == caller.subject else {
            throw .notFound("issue '\(id)' not found")
        }
        return issue
    }

    /// The order of `issue`, which always exists (issues reference orders).
    static func order(of issue: Issue, in transaction: any OrdersTransaction) throws -> Order {
        guard let order = try transaction.order(id: issue.orderID) else {
            throw OrdersError.notFound("order '\(issue.orderID)' of issue '\(issue.id)' not found")
        }
        return order
    }
}
