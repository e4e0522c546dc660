import InquiriesAPI
import Runtime

/// Who may call which Inquiries method: the one place it is declared.
enum InquiriesAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Inquiries.Method.askQuestion: [.customer, .agent, .service(["storefront"])],
        Inquiries.Method.getProduct: [.customer, .agent, .service(["storefront"]), .auditor],
        Inquiries.Method.listProducts: [.customer, .agent, .service(["storefront"]), .auditor],
        Inquiries.Method.convertCurrency: [.customer, .agent, .service(["storefront"])],
        Inquiries.Method.listRules: [.customer, .agent, .service(["storefront"]), .auditor],
        Inquiries.Method.publishRule: [.agent, .service(["storefront"])],
        Inquiries.Method.upsertProduct: [.agent, .service(["storefront"])],
        Inquiries.Method.publishRateTable: [.agent, .service(["payments"])],
        Inquiries.Method.getRateTable: [.customer, .agent, .service(["oversight", "storefront"]), .auditor],
        Inquiries.Method.listTickets: [.agent, .auditor],
        Inquiries.Method.getTicket: [.customer, .agent, .auditor],
        Inquiries.Method.answerTicket: [.agent],
        Inquiries.Method.addTicketMessage: [.customer, .agent],
        Inquiries.Method.closeTicket: [.customer, .agent],
    ])
}
