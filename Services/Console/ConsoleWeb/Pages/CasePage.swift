import CommonAPI
import Foundation
import InquiriesAPI
import OrdersAPI
import OversightAPI
import RefundsAPI
import ReturnsAPI
import Runtime
import Wire

/// One case (an order issue, a return, a refund, a ticket or a complaint) as its own service
/// holds it, with the service's own log of it, its messages and what the customer was told; and
/// its full record in Oversight's audit log.
struct CasePage {
    /// The case's type and id.
    var link: CaseLink
    /// Its facts, as label and value.
    var facts: [(String, String)]
    /// The owning service's log of it, as time, actor, action and detail.
    var log: [(String, String, String, String)]
    /// Its messages.
    var messages: [CaseMessage]
    /// What the customer was told.
    var notifications: [CommonAPI.Notification]
    /// Its records in the audit log.
    var records: [AuditRecord]

    /// Loads the case from its service, and its audit records, as `viewer`.
    static func load(_ link: CaseLink, peers: ConsolePeers, viewer: Viewer) async throws -> CasePage {
        var page = CasePage(link: link, facts: [], log: [], messages: [], notifications: [], records: [])
        switch link.type {
        case "issue":
            let issue = try await peers.call("orders", as: viewer) { client in
                try await Orders.Client(client).getIssue(GetIssueRequest.with { $0.issueID = link.id })
            }
            page.facts = [
                ("Issue", issue.issueID), ("Order", issue.orderID), ("Customer", issue.customerID),
                ("Category", Names.of(issue.category)), ("Cause", Names.of(issue.cause)),
                ("Resolution", Names.of(issue.resolution)), ("State", Names.of(issue.state)),
                ("Description", issue.description), ("Rule", rule(issue.decisionRule)),
                ("Followed the playbook", issue.followedPlaybook ? "yes" : "no"),
                ("Reported", Figures.time(issue.reportedAt)), ("First response", Figures.time(issue.firstResponseAt)),
                ("Resolved", Figures.time(issue.resolvedAt)),
            ]
            if let dispute = issue.dispute {
                page.facts.append(("Dispute outcome", "\(Names.of(dispute.outcome)): \(dispute.rationale)"))
            }
            page.log = issue.log.map {
                (
                    Figures.time($0.at), Names.actor($0.actor), $0.action,
                    $0.detail + ($0.rule.map { " (\(rule($0)))" } ?? "")
                )
            }
            page.messages = issue.messages
            page.notifications = issue.notifications
        case "return":
            let value = try await peers.call("returns", as: viewer) { client in
                try await Returns.Client(client).getReturn(GetReturnRequest.with { $0.returnID = link.id })
            }
            page.facts = [
                ("Return", value.returnID), ("Order", value.orderID), ("Customer", value.customerID),
                ("Reason", Names.of(value.reason)), ("Remedy", Names.of(value.remedy)),
                ("Description", value.description), ("State", Names.of(value.state)),
                (
                    "Decision",
                    value.decision.map {
                        "\($0.approved ? "approved" : "rejected"): \($0.explanation) (\(rule($0.rule)))"
                    } ?? "-"
                ),
                ("Refund amount", money(value.refundAmount)), ("Refund", value.refundID.isEmpty ? "-" : value.refundID),
                ("Requested", Figures.time(value.requestedAt)),
            ]
            page.log = value.timeline.map { (Figures.time($0.at), Names.actor($0.actor), $0.action, $0.detail) }
            page.messages = value.messages
            page.notifications = value.notifications
        case "refund":
            let refund = try await peers.call("refunds", as: viewer) { client in
                try await Refunds.Client(client).getRefund(GetRefundRequest.with { $0.refundID = link.id })
            }
            page.facts = [
                ("Refund", refund.refundID), ("Order", refund.orderID), ("Customer", refund.customerID),
                ("Amount", money(refund.amount)), ("State", Names.of(refund.state)),
                ("Source", Self.source(refund.source)),
                ("Failure reason", refund.failureReason.isEmpty ? "-" : refund.failureReason),
                ("Approved", Figures.time(refund.approvedAt)), ("Expected by", Figures.time(refund.expectedBy)),
                ("Finished", Figures.time(refund.finishedAt)), ("SLA breached", refund.slaBreached ? "yes" : "no"),
                ("Rule", rule(refund.rule)),
            ]
        case "ticket":
            let ticket = try await peers.call("inquiries", as: viewer) { client in
                try await Inquiries.Client(client).getTicket(GetTicketRequest.with { $0.ticketID = link.id })
            }
            page.facts = [
                ("Ticket", ticket.ticketID), ("Asked by", Names.actor(ticket.askedBy)), ("Question", ticket.question),
                ("Topics", ticket.topics.map { Names.of($0) }.joined(separator: ", ")),
                ("State", Names.of(ticket.state)),
                ("Answer", ticket.answer.isEmpty ? "-" : ticket.answer), ("Rule", rule(ticket.answerRule)),
                ("Opened", Figures.time(ticket.openedAt)), ("Answered", Figures.time(ticket.answeredAt)),
                ("Closed", Figures.time(ticket.closedAt)),
            ]
            page.messages = ticket.messages
            page.notifications = ticket.notifications
        default:
            let complaint = try await peers.call("oversight", as: viewer) { client in
                try await Oversight.Client(client).getComplaint(GetComplaintRequest.with { $0.complaintID = link.id })
            }
            page.facts = [
                ("Complaint", complaint.complaintID), ("Customer", complaint.customerID),
                ("Subject", complaint.subject),
                ("Text", complaint.text), ("State", Names.of(complaint.state)),
                ("Assigned to", complaint.assignedTo.isEmpty ? "-" : complaint.assignedTo),
                ("Resolution", complaint.resolution.isEmpty ? "-" : complaint.resolution),
                ("Filed", Figures.time(complaint.filedAt)),
            ]
            page.messages = complaint.messages
            page.notifications = complaint.notifications
        }
        page.records = try await peers.call("oversight", as: viewer) { client in
            try await Oversight.Client(client).listAuditRecords(
                ListAuditRecordsRequest.with {
                    $0.aggregateID = link.id
                    $0.limit = 1_000
                }
            ).records
        }.filter { $0.event?.aggregateType == link.type }
        return page
    }

    /// A rule as "rule-id (policy version)".
    static func rule(_ reference: PolicyReference?) -> String {
        guard let reference, !reference.ruleID.isEmpty else { return "-" }
        return "\(reference.ruleID) (policy \(reference.policyVersion))"
    }

    /// Money as "79.00 EUR", with as many decimals as the currency's minor-unit digits (exact:
    /// the integer minor units placed, never through a floating-point number); a code the
    /// platform does not know is shown as minor units.
    static func money(_ money: Money?) -> String {
        guard let money else { return "-" }
        return Figures.amount(minorUnits: money.minorUnits, currencyCode: money.currencyCode)
    }

    /// What a refund is for: "return RET-1", "issue ISS-1", or the agent's note.
    static func source(_ source: RefundSource?) -> String {
        switch source?.kind {
        case .returnID(let id): "return \(id)"
        case .issueID(let id): "issue \(id)"
        case .agentNote(let note): "agent's decision: \(note)"
        case nil: "-"
        }
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let factRows = facts.map { label, value -> HTML in
            #"<tr><th scope="row">\#(label)</th><td class="message-text">\#(value)</td></tr>"#
        }
        let logRows = log.map { time, actor, action, detail -> HTML in
            "<tr><td>\(time)</td><td>\(actor)</td><td>\(action)</td><td class=\"message-text\">\(detail)</td></tr>"
        }
        let serviceLog: HTML =
            logRows.isEmpty
            ? .empty
            : """
            <section aria-labelledby="log-heading"><h2 id="log-heading">The service's log</h2>\
            <table id="case-log"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>\
            <th scope="col">Detail</th></tr></thead><tbody>\(logRows)</tbody></table></section>
            """
        let content: HTML = """
            <table id="facts"><caption>The \(link.type) as its service holds it</caption><tbody>\(factRows)</tbody></table>
            \(link.type == "complaint" ? HTML("<p><a href=\"/complaints/\(URLText.component(link.id))\">Handle this complaint</a></p>") : .empty)
            \(serviceLog)
            \(CaseHistory.messages(messages))
            \(CaseHistory.notifications(notifications))
            <section aria-labelledby="audit-heading"><h2 id="audit-heading">Full log in Oversight</h2>\
            \(CaseHistory.records(records, caption: "Every audit record of this case"))</section>
            """
        return Layout.page(title: "\(link.type.capitalized) \(link.id)", viewer: viewer, content: content)
    }
}
