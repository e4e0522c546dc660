import CommonAPI
import OversightAPI
import Runtime
import Wire

/// The parts every case page shows: its messages, what the customer was told, and its records in
/// Oversight's audit log.
enum CaseHistory {
    /// The messages, oldest first; their text shown as text.
    static func messages(_ messages: [CaseMessage]) -> HTML {
        let items = messages.map { message -> HTML in
            """
            <li><p><strong>\(Names.actor(message.author))</strong>, \(Figures.time(message.sentAt))</p>\
            <p class="message-text">\(message.text)</p></li>
            """
        }
        return """
            <section aria-labelledby="messages-heading"><h2 id="messages-heading">Messages</h2>\
            \(items.isEmpty ? HTML("<p>No messages.</p>") : HTML("<ol id=\"messages\">\(items)</ol>"))</section>
            """
    }

    /// The notifications: what the customer was told, and when.
    static func notifications(_ notifications: [CommonAPI.Notification]) -> HTML {
        let rows = notifications.map { notification -> HTML in
            """
            <tr><td>\(Figures.time(notification.createdAt))</td><td>\(notification.customerID)</td>\
            <td class="message-text">\(notification.text)</td></tr>
            """
        }
        return """
            <section aria-labelledby="told-heading"><h2 id="told-heading">What the customer was told</h2>\
            \(rows.isEmpty ? HTML("<p>Nothing yet.</p>") : HTML("""
            <table id="notifications"><thead><tr><th scope="col">When</th><th scope="col">Customer</th>\
            <th scope="col">Text</th></tr></thead><tbody>\(rows)</tbody></table>
            """))</section>
            """
    }

    /// Audit records as a table.
    static func records(_ records: [AuditRecord], caption: String) -> HTML {
        let rows = records.map { record -> HTML in
            let event = record.event ?? Event()
            var detail = event.summary
            if let decision = event.decision {
                detail += " [decision \(decision.decisionType): \(decision.outcome)"
                detail += decision.favorable ? ", favourable" : ", unfavourable"
                if let rule = decision.rule { detail += "; rule \(rule.ruleID) v\(rule.policyVersion)" }
                detail += "]"
            }
            if let change = event.stateChange {
                detail += " [\(change.fromState.isEmpty ? "" : change.fromState + " ")→ \(change.toState)]"
            }
            if let message = event.message?.message { detail += " [message: \(message.text)]" }
            let link: HTML
            if let caseLink = CaseLink(type: event.aggregateType, id: event.aggregateID) {
                link = #"<a href="\#(caseLink.path)">\#(event.aggregateType) \#(event.aggregateID)</a>"#
            } else {
                link = "\(event.aggregateType) \(event.aggregateID)"
            }
            return """
                <tr data-sequence="\(record.sequence)"><td class="number">\(record.sequence)</td>\
                <td>\(Figures.time(event.occurredAt))</td><td>\(event.sourceService)</td><td>\(link)</td>\
                <td>\(event.customerID.isEmpty ? "-" : event.customerID)</td><td>\(Names.of(event.kind))</td>\
                <td>\(Names.actor(event.actor))</td><td class="message-text">\(detail)</td></tr>
                """
        }
        guard !rows.isEmpty else { return "<p>No audit records.</p>" }
        return """
            <table class="records"><caption>\(caption)</caption><thead><tr><th scope="col">Seq.</th>\
            <th scope="col">When</th><th scope="col">Service</th><th scope="col">Case</th>\
            <th scope="col">Customer</th><th scope="col">Kind</th><th scope="col">Actor</th>\
            <th scope="col">What</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}
