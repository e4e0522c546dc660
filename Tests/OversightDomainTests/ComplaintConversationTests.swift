import Foundation
import OversightDomain
import SupportPolicy
import Testing

/// A complaint keeps at most ``OversightDomain/Complaint/maximumMessages`` messages: one more is
/// refused (FAILED_PRECONDITION) and changes nothing.
@Suite struct ComplaintConversationTests {
    @Test func aComplaintKeepsAtMostItsBoundOfMessages() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let customer = Actor(subject: "customer-1", role: .customer)
        var (complaint, _) = try Complaint.file(
            id: "CMP-1", kind: .complaint, customerID: "customer-1", subject: "Late", text: "My parcel is late.",
            relatedCase: "", at: now)
        for number in 1...Complaint.maximumMessages {
            _ = try complaint.addMessage("message \(number)", by: customer, at: now)
        }
        let full = complaint
        #expect(
            throws: OversightError.notAllowed(
                "complaint CMP-1 has 100 messages, the most a complaint keeps; file another to go on")
        ) {
            _ = try complaint.addMessage("one more", by: customer, at: now)
        }
        #expect(complaint == full)
        #expect(complaint.messages.last?.text == "message \(Complaint.maximumMessages)")
    }
}
