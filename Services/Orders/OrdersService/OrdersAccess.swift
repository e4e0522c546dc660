import OrdersAPI
import Runtime

/// Who may call which Orders method: the one place it is declared. Anything not listed is denied.
/// Customers are further limited to their own orders and issues by the handlers.
enum OrdersAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Orders.Method.importOrder: [.service(["storefront"])],
        Orders.Method.recordTrackingEvent: [.service(["carrier"])],
        Orders.Method.getOrder: [.customer, .agent, .service(["storefront"]), .auditor],
        Orders.Method.getOrderStatus: [.customer, .agent, .service(["storefront"])],
        Orders.Method.listOrders: [.customer, .agent, .auditor],
        Orders.Method.getPurchaseFacts: [.service(["returns", "refunds"]), .agent],
        Orders.Method.reportIssue: [.customer, .agent],
        Orders.Method.classifyIssue: [.agent],
        Orders.Method.resolveIssue: [.agent],
        Orders.Method.getIssue: [.customer, .agent, .auditor],
        Orders.Method.listIssues: [.customer, .agent, .auditor],
        Orders.Method.addIssueMessage: [.customer, .agent],
        Orders.Method.correctAddress: [.customer, .agent],
        Orders.Method.adjustOrder: [.customer, .agent],
        Orders.Method.submitDisputeEvidence: [.customer, .agent],
        Orders.Method.decideDispute: [.agent],
        Orders.Method.closeIssue: [.customer, .agent],
    ])
}
