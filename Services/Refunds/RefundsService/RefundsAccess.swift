import RefundsAPI
import Runtime

/// Who may call which Refunds method: the one place it is declared. Customers are further
/// limited to their own refunds by the handlers.
enum RefundsAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Refunds.Method.createRefund: [.agent, .service(["returns"])],
        Refunds.Method.getRefund: [.customer, .agent, .service(["storefront", "payments"]), .auditor],
        Refunds.Method.listRefunds: [.customer, .agent, .service(["storefront", "payments"]), .auditor],
        Refunds.Method.getRefundBalance: [.customer, .agent, .service(["storefront", "payments"]), .auditor],
        Refunds.Method.markProcessing: [.service(["payments"])],
        Refunds.Method.reportOutcome: [.service(["payments"])],
    ])
}
