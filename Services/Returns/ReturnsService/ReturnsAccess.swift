import ReturnsAPI
import Runtime

/// Who may call which Returns method: the one place it is declared. Customers are further
/// limited to their own orders and returns by the handlers.
enum ReturnsAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Returns.Method.checkEligibility: [.customer, .agent, .service(["storefront"])],
        Returns.Method.requestReturn: [.customer, .agent],
        Returns.Method.getReturn: [.customer, .agent, .service(["storefront", "warehouse"]), .auditor],
        Returns.Method.listReturns: [.customer, .agent, .auditor],
        Returns.Method.recordReceipt: [.agent, .service(["warehouse"])],
        Returns.Method.recordInspection: [.agent, .service(["warehouse"])],
        Returns.Method.addReturnMessage: [.customer, .agent],
    ])
}
