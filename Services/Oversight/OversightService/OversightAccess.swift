import OversightAPI
import Runtime

/// Who may call which Oversight method: the one place it is declared. Customers are further
/// limited to their own cases and complaints by the handlers.
enum OversightAccess {
    /// The platform services that record events: each only under its own name (the authorship
    /// check) and only the kinds it owns (`EventOwnership`).
    static let eventSources: Set<String> = ["orders", "returns", "refunds", "inquiries"]

    /// The policy.
    static let policy = AccessPolicy([
        Oversight.Method.recordEvents: [.service(OversightAccess.eventSources)],
        Oversight.Method.listAuditRecords: [.agent, .auditor],
        Oversight.Method.verifyAuditLog: [.agent, .auditor],
        Oversight.Method.getReport: [.agent, .auditor],
        Oversight.Method.getAgentReport: [.agent, .auditor],
        Oversight.Method.recordRating: [.customer, .service(["storefront"])],
        Oversight.Method.createAuditSample: [.auditor],
        Oversight.Method.getAuditSample: [.auditor, .agent],
        Oversight.Method.markAuditItem: [.auditor],
        Oversight.Method.fileComplaint: [.customer, .service(["storefront"])],
        Oversight.Method.assignComplaint: [.agent],
        Oversight.Method.startInvestigation: [.agent],
        Oversight.Method.resolveComplaint: [.agent],
        Oversight.Method.closeComplaint: [.agent, .customer],
        Oversight.Method.getComplaint: [.customer, .agent, .auditor],
        Oversight.Method.listComplaints: [.customer, .agent, .auditor],
        Oversight.Method.addComplaintMessage: [.customer, .agent],
        Oversight.Method.upsertStaffMember: [.agent],
        Oversight.Method.listStaff: [.agent, .auditor],
    ])
}
