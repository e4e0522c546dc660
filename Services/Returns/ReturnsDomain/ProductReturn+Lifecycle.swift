import Foundation
import SupportPolicy

extension ProductReturn {
    /// Opens a return for `lines` of an order with `facts`, if the order is eligible now: checks the
    /// lines against what was bought (less `alreadyReturned` units per line in other returns), the
    /// remedy against the reason, values the units by their frozen share of what was paid (less
    /// `alreadyRefunded` units per line approved for a refund by other returns; provisional until
    /// approval, see ``inspect(finding:notes:alreadyRefunded:by:at:)``), and issues the free label.
    public static func request(
        id: String, facts: PurchaseFacts, lines: [ReturnLine], reason: ReturnReason, remedy: ReturnRemedy,
        description: String, alreadyReturned: [Int: Int] = [:], alreadyRefunded: [Int: Int] = [:], by actor: Actor,
        at now: Date
    ) throws(ReturnsError) -> (ProductReturn, [CaseChange]) {
        let eligibility = Eligibility.evaluate(facts, at: now)
        guard eligibility.eligible else {
            throw .notAllowed("\(eligibility.explanation) (rule \(eligibility.rule.id))")
        }
        guard TextLimit.admits(description, characters: 4_000) else {
            throw .invalid("description is longer than 4000 characters (16000 UTF-8 bytes)")
        }
        guard !lines.isEmpty else { throw .invalid("lines must name at least one order line") }
        var seen = Set<Int>()
        var valued: [ReturnLine] = []
        for var line in lines {
            guard seen.insert(line.lineNumber).inserted else {
                throw .invalid("line \(line.lineNumber) is listed twice")
            }
            guard let bought = facts.lines.first(where: { $0.number == line.lineNumber }) else {
                throw .invalid("order \(facts.orderID) has no line \(line.lineNumber)")
            }
            let returnable = bought.quantity - alreadyReturned[line.lineNumber, default: 0]
            guard returnable > 0 else {
                throw .notAllowed("every unit of line \(line.lineNumber) is already in another return")
            }
            guard (1...returnable).contains(line.quantity) else {
                throw .invalid("line \(line.lineNumber): between 1 and \(returnable) units can be returned")
            }
            line.paidShare = bought.paidShare
            line.orderedQuantity = bought.quantity
            valued.append(line)
        }
        if remedy == .replacement, !reason.allowsReplacement {
            throw .notAllowed("\(ReturnPolicy.replacementRule.text) (rule \(ReturnPolicy.replacementRule.id))")
        }
        let currency = facts.paid.currency
        let label = ReturnLabel(
            carrier: ReturnPolicy.labelCarrier, trackingNumber: "RET-\(id.suffix(12).uppercased())",
            labelURL: "https://labels.support.example/\(id).pdf", customerCost: .zero(currency))
        var created = ProductReturn(
            id: id, orderID: facts.orderID, customerID: facts.customerID, lines: valued, reason: reason, remedy: remedy,
            description: description, state: .requested, label: label, eligibility: eligibility, finding: nil,
            decision: nil, refundAmount: .zero(currency), refundID: "", replacementID: "", timeline: [], messages: [],
            notifications: [], requestedAt: now)
        try created.value(after: alreadyRefunded)
        created.log("requested", actor, "\(reason.name), \(lines.count) line(s), remedy \(remedy)", now)
        created.log("label_issued", actor, "prepaid label \(label.trackingNumber), cost \(label.customerCost)", now)
        var changes: [CaseChange] = [
            .opened, .stateChanged(from: nil, to: ReturnState.requested.name),
            .decided(
                .init(
                    type: "return_eligibility", outcome: "ELIGIBLE", favorable: true, rule: eligibility.rule)),
        ]
        created.inform(
            "Your return for order \(facts.orderID) is open. Print your free prepaid label: \(label.labelURL)", now,
            &changes)
        return (created, changes)
    }

    /// The parcel arrived at the warehouse.
    public mutating func receive(by actor: Actor, at now: Date) throws(ReturnsError) -> [CaseChange] {
        guard state == .requested else { throw refused("received", allowedFrom: [.requested]) }
        state = .received
        log("received", actor, "parcel \(label.trackingNumber) arrived", now)
        return [.stateChanged(from: ReturnState.requested.name, to: ReturnState.received.name)]
    }

    /// The warehouse's finding; approval or rejection follows by rule, and the customer is told.
    /// An approved refund's amount is fixed here, after the `alreadyRefunded` units of each line
    /// approved for a refund by the order's other returns (``value(after:)``).
    public mutating func inspect(
        finding: InspectionFinding, notes: String, alreadyRefunded: [Int: Int] = [:], by actor: Actor, at now: Date
    ) throws(ReturnsError) -> [CaseChange] {
        guard state == .received else { throw refused("inspected", allowedFrom: [.received]) }
        guard TextLimit.admits(notes, characters: 4_000) else {
            throw .invalid("notes is longer than 4000 characters (16000 UTF-8 bytes)")
        }
        self.finding = finding
        let (approved, rule, explanation): (Bool, PolicyRule, String) =
            switch finding {
            case .confirmsReason:
                (true, ReturnPolicy.approvedRule, "The inspection confirmed \(reason.name.lowercased()).")
            case .contradictsReason:
                (false, ReturnPolicy.contradictedRule, "The inspection did not confirm \(reason.name.lowercased()).")
            case .itemsNotReturned:
                (false, ReturnPolicy.notReturnedRule, "The parcel did not contain the returned items.")
            }
        decision = ReturnDecision(approved: approved, rule: rule, explanation: explanation, decidedAt: now)
        if approved, remedy == .refund { try value(after: alreadyRefunded) }
        let next: ReturnState = approved ? .approved : .rejected
        state = next
        log("inspected", actor, "\(finding): \(notes)", now)
        log(approved ? "approved" : "rejected", actor, "\(explanation) Rule \(rule.id).", now)
        var changes: [CaseChange] = [
            .stateChanged(from: ReturnState.received.name, to: next.name),
            .decided(
                .init(
                    type: "return_decision", outcome: approved ? "APPROVED" : "REJECTED", favorable: approved,
                    rule: rule)),
        ]
        if approved, remedy == .replacement {
            replacementID = "REPL-\(id)"
            state = .replacementIssued
            log("replacement_issued", actor, "replacement \(replacementID)", now)
            changes.append(.stateChanged(from: ReturnState.approved.name, to: ReturnState.replacementIssued.name))
            inform("Your return was approved; a replacement (\(replacementID)) is on its way.", now, &changes)
            changes.append(.resolved)
        } else if approved {
            changes.append(
                .decided(
                    .init(
                        type: "refund_amount", outcome: "\(refundAmount)", favorable: true, rule: PaidShare.rule)))
            inform("Your return was approved; a refund of \(refundAmount) is being arranged.", now, &changes)
        } else {
            inform("Your return was not approved: \(explanation) (rule \(rule.id)).", now, &changes)
            changes.append(.resolved)
        }
        return changes
    }

    /// Refunds accepted the refund request.
    public mutating func recordRefund(id refundID: String, by actor: Actor, at now: Date) throws(ReturnsError)
        -> [CaseChange]
    {
        guard awaitsRefund else { throw refused("given a refund", allowedFrom: [.approved]) }
        self.refundID = refundID
        state = .refundRequested
        log("refund_requested", actor, "refund \(refundID) of \(refundAmount)", now)
        var changes: [CaseChange] = [
            .stateChanged(from: ReturnState.approved.name, to: ReturnState.refundRequested.name)
        ]
        inform(
            "Your refund of \(refundAmount) (\(refundID)) is on its way; it completes within 10 days.", now, &changes)
        changes.append(.resolved)
        return changes
    }

    /// Refunds refused the refund for good (`reason` is its answer): the return leaves the
    /// follow-up for the agents' queue, and the customer is told an agent is arranging it.
    public mutating func blockRefund(reason: String, by actor: Actor, at now: Date) throws(ReturnsError)
        -> [CaseChange]
    {
        guard awaitsRefund else { throw refused("blocked", allowedFrom: [.approved]) }
        state = .refundBlocked
        log("refund_blocked", actor, "Refunds refused the refund of \(refundAmount): \(reason)", now)
        var changes: [CaseChange] = [
            .stateChanged(from: ReturnState.approved.name, to: ReturnState.refundBlocked.name),
            .decided(
                .init(
                    type: "refund_request", outcome: "REFUSED", favorable: false,
                    rule: ReturnPolicy.refundBlockedRule)),
        ]
        inform(
            "Your refund of \(refundAmount) could not be issued automatically; a support agent is arranging it and "
                + "will contact you.", now, &changes)
        return changes
    }

    /// Adds a message to the return's conversation, up to ``maximumMessages``.
    public mutating func addMessage(_ text: String, by actor: Actor, at now: Date) throws(ReturnsError) -> [CaseChange]
    {
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("text must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        guard messages.count < Self.maximumMessages else {
            throw .notAllowed(
                "return \(id) has \(messages.count) messages, the most a return keeps; open a complaint to go on")
        }
        let message = CaseMessage(id: "\(id)-m\(messages.count + 1)", author: actor, text: text, sentAt: now)
        messages.append(message)
        log("message", actor, text, now)
        return [.message(message)]
    }

    private mutating func inform(_ text: String, _ now: Date, _ changes: inout [CaseChange]) {
        let notification = CaseMessage(
            id: "\(id)-n\(notifications.count + 1)", author: Actor(subject: "returns", role: .service), text: text,
            sentAt: now)
        notifications.append(notification)
        changes.append(.message(notification))
        if notifications.count == 1 { changes.append(.firstResponse) }
    }

    private mutating func log(_ action: String, _ actor: Actor, _ detail: String, _ now: Date) {
        timeline.append(ReturnTimelineEntry(action: action, actor: actor, detail: detail, at: now))
    }

    private func refused(_ action: String, allowedFrom states: [ReturnState]) -> ReturnsError {
        .notAllowed(
            "return \(id) is \(state.name); it can be \(action) only when \(states.map(\.name).joined(separator: " or "))"
        )
    }
}
