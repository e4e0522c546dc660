import CommonAPI
import OversightAPI
import Runtime
import Wire

/// One complaint: its facts, every message and what the customer was told, and the next step of
/// its handling as a form (assign, start the investigation, resolve and tell the customer, close),
/// with a form for a message to the customer. Only agents see the forms: Oversight lets only them
/// move a complaint.
struct ComplaintPage {
    /// The complaint.
    var complaint: Complaint
    /// The complaints team, for the assignment (empty when the viewer may not list it).
    var staff: [StaffMember]

    /// Loads the complaint and the complaints team as `viewer`.
    static func load(_ id: String, peers: ConsolePeers, viewer: Viewer) async throws -> ComplaintPage {
        let complaint = try await peers.call("oversight", as: viewer) { client in
            try await Oversight.Client(client).getComplaint(GetComplaintRequest.with { $0.complaintID = id })
        }
        var staff: [StaffMember] = []
        if viewer.identity.role == .agent, complaint.state == .submitted {
            staff = try await peers.call("oversight", as: viewer) { client in
                try await Oversight.Client(client).listStaff(ListStaffRequest.with { $0.team = "complaints" }).members
            }.filter(\.active)
        }
        return ComplaintPage(complaint: complaint, staff: staff)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let path = "/complaints/\(URLText.component(complaint.complaintID))"
        let related: HTML
        if let link = CaseLink(reference: complaint.relatedCase) {
            related = #"<a href="\#(link.path)">\#(complaint.relatedCase)</a>"#
        } else {
            related = complaint.relatedCase.isEmpty ? "-" : "\(complaint.relatedCase)"
        }
        let facts: HTML = """
            <table id="facts"><caption>The complaint</caption><tbody>\
            <tr><th scope="row">Id</th><td>\(complaint.complaintID)</td></tr>\
            <tr><th scope="row">Kind</th><td>\(Names.of(complaint.kind))</td></tr>\
            <tr><th scope="row">Customer</th><td>\(complaint.customerID)</td></tr>\
            <tr><th scope="row">Subject</th><td>\(complaint.subject)</td></tr>\
            <tr><th scope="row">Text</th><td class="message-text">\(complaint.text)</td></tr>\
            <tr><th scope="row">About</th><td>\(related)</td></tr>\
            <tr><th scope="row">State</th><td id="state">\(Names.of(complaint.state))</td></tr>\
            <tr><th scope="row">Assigned to</th><td id="assigned">\(complaint.assignedTo.isEmpty ? "-" : complaint.assignedTo)</td></tr>\
            <tr><th scope="row">Resolution</th><td id="resolution" class="message-text">\(complaint.resolution.isEmpty ? "-" : complaint.resolution)</td></tr>\
            <tr><th scope="row">Filed</th><td>\(Figures.time(complaint.filedAt))</td></tr>\
            <tr><th scope="row">Resolved</th><td>\(Figures.time(complaint.resolvedAt))</td></tr>\
            <tr><th scope="row">Closed</th><td>\(Figures.time(complaint.closedAt))</td></tr>\
            </tbody></table>
            """
        let content: HTML = """
            <p><a href="/complaints">All complaints</a> · <a href="/cases/complaint/\(URLText.component(complaint.complaintID))">Full log</a></p>
            \(facts)
            \(viewer.identity.role == .agent ? actions(path: path, viewer: viewer) : "<p>Only agents move complaints.</p>")
            \(CaseHistory.messages(complaint.messages))
            \(CaseHistory.notifications(complaint.notifications))
            """
        return Layout.page(
            title: "Complaint: \(complaint.subject)", viewer: viewer, section: .complaints, content: content)
    }

    /// The form for the complaint's next step and the message form.
    func actions(path: String, viewer: Viewer) -> HTML {
        let fields = Layout.formFields(viewer)
        var step: HTML
        switch complaint.state {
        case .submitted:
            let options = staff.map { member -> HTML in
                #"<option value="\#(member.staffID)">\#(member.name.isEmpty ? member.staffID : member.name) (\#(member.staffID))</option>"#
            }
            step =
                options.isEmpty
                ? "<p>No active member of the complaints team to assign.</p>"
                : """
                <form method="post" action="\(path)/assign"><fieldset><legend>Assign</legend>\(fields)\
                <label for="staff">Complaints staff member</label><select id="staff" name="staff_id" required>\(options)</select>\
                <button type="submit">Assign</button></fieldset></form>
                """
        case .assigned:
            step = """
                <form method="post" action="\(path)/start"><fieldset><legend>Investigation</legend>\(fields)\
                <button type="submit">Start investigation</button></fieldset></form>
                """
        case .investigating:
            step = """
                <form method="post" action="\(path)/resolve"><fieldset><legend>Resolve and tell the customer</legend>\(fields)\
                <label for="resolution-text">Resolution (sent to the customer)</label>\
                <textarea id="resolution-text" name="resolution" rows="3" cols="60" maxlength="4000" required></textarea>\
                <button type="submit">Resolve</button></fieldset></form>
                """
        case .resolved:
            step = """
                <form method="post" action="\(path)/close"><fieldset><legend>Close</legend>\(fields)\
                <button type="submit">Close complaint</button></fieldset></form>
                """
        default:
            step = "<p>This complaint is closed.</p>"
        }
        guard complaint.state != .closed else { return step }
        step.append(
            """
            <form method="post" action="\(path)/messages"><fieldset><legend>Message to the customer</legend>\(fields)\
            <label for="message-text">Message</label>\
            <textarea id="message-text" name="text" rows="3" cols="60" maxlength="4000" required></textarea>\
            <button type="submit">Send message</button></fieldset></form>
            """)
        return step
    }
}
