import CommonAPI
import OversightAPI
import Runtime
import Wire

/// The complaints queue: Oversight's ListComplaints, filtered by state, a page at a time.
struct ComplaintsPage {
    /// The states a filter can name, by their query value.
    static let states: [(value: String, state: ComplaintState)] = [
        ("submitted", .submitted), ("assigned", .assigned), ("investigating", .investigating),
        ("resolved", .resolved), ("closed", .closed),
    ]

    /// The state filtered on, if any (its query value).
    var state: String?
    /// The page.
    var response: ListComplaintsResponse

    /// Loads one page as `viewer`.
    static func load(fields: FormFields, peers: ConsolePeers, viewer: Viewer) async throws -> ComplaintsPage {
        let state = fields.text("state")
        var filter = ComplaintState.unspecified
        if let state {
            guard let known = states.first(where: { $0.value == state }) else {
                throw PageError.badRequest("'state' must be one of \(states.map(\.value).joined(separator: ", "))")
            }
            filter = known.state
        }
        let token = fields.text("page") ?? ""
        guard token.utf8.count <= 512 else { throw PageError.badRequest("'page' is too long") }
        let response = try await peers.call("oversight", as: viewer) { client in
            try await Oversight.Client(client).listComplaints(
                ListComplaintsRequest.with {
                    $0.state = filter
                    $0.page = PageRequest.with {
                        $0.pageSize = 50
                        $0.pageToken = token
                    }
                })
        }
        return ComplaintsPage(state: state, response: response)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let options =
            [HTML("<option value=\"\">all</option>")]
            + Self.states.map { item -> HTML in
                let selected: HTML = item.value == state ? " selected" : ""
                return #"<option value="\#(item.value)"\#(selected)>\#(item.value)</option>"#
            }
        let rows = response.complaints.map { complaint -> HTML in
            """
            <tr data-complaint="\(complaint.complaintID)"><td><a href="/complaints/\(URLText.component(complaint.complaintID))">\
            \(complaint.subject.isEmpty ? complaint.complaintID : complaint.subject)</a></td>\
            <td>\(Names.of(complaint.kind))</td><td>\(complaint.customerID)</td>\
            <td class="state">\(Names.of(complaint.state))</td><td>\(complaint.assignedTo.isEmpty ? "-" : complaint.assignedTo)</td>\
            <td>\(Figures.time(complaint.filedAt))</td></tr>
            """
        }
        let table: HTML =
            rows.isEmpty
            ? "<p>No complaints here.</p>"
            : """
            <table id="complaints"><caption>Complaints and suggestions, oldest first</caption>\
            <thead><tr><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">Customer</th>\
            <th scope="col">State</th><th scope="col">Assigned to</th><th scope="col">Filed</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        let next: HTML =
            response.nextPageToken.isEmpty
            ? .empty
            : """
            <p><a href="/complaints\(URLText.query([("state", state), ("page", response.nextPageToken)]))">Next page</a></p>
            """
        let content: HTML = """
            <form method="get" action="/complaints"><label for="state">State</label>\
            <select id="state" name="state">\(options)</select><button type="submit">Filter</button></form>
            \(table)\(next)
            """
        return Layout.page(title: "Complaints", viewer: viewer, section: .complaints, content: content)
    }
}
