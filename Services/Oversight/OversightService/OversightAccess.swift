import OversightAPI
import Runtime

/// Who may call which Oversight method: the one place it is declared. Customers are further
/// limited to their own cases and complaints by the handlers.
enum OversightAccess {
    /// The policy.
    static let policy = AccessPolicy([
        Oversight.Method.recordEvents: [.service],
        Oversight.Method.listAuditRecords: [.agent, .auditor],
        Oversight.Method.verifyAuditLog: [.agent, .auditor],
        Oversight.Method.getReport: [.agent, .auditor],
        Oversight.Method.getAgentReport: [.agent, .auditor],
        Oversight.Method.recordRating: [.customer, .service],
        Oversight.Method.createAuditSample: [.auditor],
        Oversight.Method.getAuditSample: [.auditor, .agent],
        Oversight.Method.markAuditItem: [.auditor],
        Oversight.Method.fileComplaint: [.customer, .service],
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
