import InquiriesAPI
import Runtime

/// Who may call which Inquiries method: the one place it is declared.
enum InquiriesAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Inquiries.Method.askQuestion: [.customer, .agent, .service],
        Inquiries.Method.getProduct: [.customer, .agent, .service, .auditor],
        Inquiries.Method.listProducts: [.customer, .agent, .service, .auditor],
        Inquiries.Method.convertCurrency: [.customer, .agent, .service],
        Inquiries.Method.listRules: [.customer, .agent, .service, .auditor],
        Inquiries.Method.publishRule: [.agent, .service],
        Inquiries.Method.upsertProduct: [.agent, .service],
        Inquiries.Method.publishRateTable: [.agent, .service],
        Inquiries.Method.getRateTable: [.customer, .agent, .service, .auditor],
        Inquiries.Method.listTickets: [.agent, .auditor],
        Inquiries.Method.getTicket: [.customer, .agent, .auditor],
        Inquiries.Method.answerTicket: [.agent],
        Inquiries.Method.addTicketMessage: [.customer, .agent],
        Inquiries.Method.closeTicket: [.customer, .agent],
    ])
}
