import CommonAPI
import OversightAPI
import Runtime
import Wire

/// The audit page: the audit log searched by service, case, customer and time; the chain
/// verification; and the forms that draw a random sample or open one.
struct AuditPage {
    /// The search.
    var search: AuditSearch
    /// Its matches.
    var records: [AuditRecord]
    /// Where the next search page starts, if the log goes on.
    var next: Int64?
    /// The query values, to write back into the form and the next link.
    var fields: FormFields

    /// Runs the search as `viewer`.
    static func load(fields: FormFields, peers: ConsolePeers, viewer: Viewer) async throws -> AuditPage {
        let search = try AuditSearch(fields)
        let (records, next) = try await peers.call("oversight", as: viewer) { client in
            try await search.run(Oversight.Client(client))
        }
        return AuditPage(search: search, records: records, next: next, fields: fields)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let services =
            [HTML("<option value=\"\">any</option>")]
            + AuditSearch.services.map { service -> HTML in
                let selected: HTML = service == search.service ? " selected" : ""
                return #"<option value="\#(service)"\#(selected)>\#(service)</option>"#
            }
        let searchForm: HTML = """
            <form method="get" action="/audit"><fieldset><legend>Search the audit log</legend>\
            <label for="service">Service</label><select id="service" name="service">\(services)</select>\
            <label for="case">Case id</label><input id="case" name="case" value="\(fields.text("case") ?? "")" size="14">\
            <label for="customer">Customer</label><input id="customer" name="customer" value="\(fields.text("customer") ?? "")" size="10">\
            <label for="search-from">From</label><input type="date" id="search-from" name="from" value="\(fields.text("from") ?? "")">\
            <label for="search-to">To</label><input type="date" id="search-to" name="to" value="\(fields.text("to") ?? "")">\
            <button type="submit">Search</button></fieldset></form>
            <p>Oversight filters by case itself; service, customer and time are matched here over at most \
            \(AuditSearch.scanLimit) records per page of results.</p>
            """
        var nextLink = HTML.empty
        if let next {
            let query = URLText.query([
                ("service", search.service), ("case", fields.text("case")), ("customer", fields.text("customer")),
                ("from", fields.text("from")), ("to", fields.text("to")), ("after", String(next)),
            ])
            nextLink = #"<p><a href="/audit\#(query)">More records from sequence \#(next)</a></p>"#
        }
        let auditorOnly: HTML =
            viewer.identity.role == .auditor
            ? """
            <form method="post" action="/audit/samples"><fieldset><legend>Draw a random sample</legend>\
            \(Layout.formFields(viewer))\
            <label for="seed">Seed</label><input id="seed" name="seed" inputmode="numeric" required value="\(Base64URLText.randomSeed())">\
            <label for="size">Size</label><input id="size" name="size" inputmode="numeric" required value="10" size="5">\
            <label for="days">Days back</label><input id="days" name="days" inputmode="numeric" required value="30" size="5">\
            <button type="submit">Draw sample</button></fieldset></form>
            """
            : "<p>Only auditors draw and mark samples.</p>"
        let content: HTML = """
            <section aria-labelledby="verify-heading"><h2 id="verify-heading">Chain verification</h2>\
            <p>Recomputes the hash chain of the whole log and checks it against the signed checkpoints the \
            services hold.</p><p><a href="/audit/verification">Verify the audit log now</a></p></section>
            <section aria-labelledby="samples-heading"><h2 id="samples-heading">Random samples</h2>\
            \(auditorOnly)\
            <form method="get" action="/audit/samples"><fieldset><legend>Open a sample</legend>\
            <label for="sample-id">Sample id</label><input id="sample-id" name="id" required size="40">\
            <button type="submit">Open</button></fieldset></form></section>
            <section aria-labelledby="log-heading"><h2 id="log-heading">Audit log</h2>\(searchForm)\
            \(CaseHistory.records(records, caption: "Audit records in log order"))\(nextLink)</section>
            """
        return Layout.page(title: "Audit", viewer: viewer, section: .audit, content: content)
    }
}
