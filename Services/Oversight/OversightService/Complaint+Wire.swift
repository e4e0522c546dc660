import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import SupportPolicy
import Wire

extension OversightDomain.Complaint {
    /// The contract's message.
    var wire: OversightAPI.Complaint {
        OversightAPI.Complaint.with {
            $0.complaintID = id
            $0.kind = kind == .complaint ? .complaint : .suggestion
            $0.customerID = customerID
            $0.subject = subject
            $0.text = text
            $0.relatedCase = relatedCase
            $0.state = OversightAPI.ComplaintState(rawValue: Int32(state.rawValue))
            $0.assignedTo = assignedTo
            $0.resolution = resolution
            $0.messages = messages.map(\.wire)
            $0.notifications = notifications.map { $0.notification(for: customerID) }
            $0.filedAt = Timestamp(filedAt)
            $0.resolvedAt = resolvedAt.map { Timestamp($0) }
            $0.closedAt = closedAt.map { Timestamp($0) }
        }
    }

    /// A complaint as the store kept it.
    init(stored wire: OversightAPI.Complaint) throws(OversightError) {
        guard let state = OversightDomain.ComplaintState(rawValue: Int(wire.state.rawValue)), let filed = wire.filedAt
        else { throw .invalid("stored complaint \(wire.complaintID) is unreadable") }
        self.init(
            id: wire.complaintID, kind: wire.kind == .suggestion ? .suggestion : .complaint,
            customerID: wire.customerID,
            subject: wire.subject, text: wire.text, relatedCase: wire.relatedCase, state: state,
            assignedTo: wire.assignedTo, resolution: wire.resolution,
            messages: wire.messages.map { SupportPolicy.CaseMessage(wire: $0, default: filed.date) },
            notifications: wire.notifications.map {
                SupportPolicy.CaseMessage(notification: $0, from: "oversight", default: filed.date)
            },
            filedAt: filed.date, resolvedAt: wire.resolvedAt?.date, closedAt: wire.closedAt?.date)
    }
}
