import Foundation
import SupportPolicy

extension Issue {
    /// Reports an issue on `order`: checks the playbook's admission rule, logs the report, and
    /// classifies, resolves or starts mediation at once where the facts decide it. An address
    /// correction after shipment becomes a carrier redirect; before shipment the caller changes
    /// the order's address in the same transaction.
    public static func report(
        id: String, on order: Order, category: IssueCategory, description: String, requestedAddress: Address?,
        by actor: Actor, at now: Date
    ) throws(OrdersError) -> (Issue, [CaseChange]) {
        try Order.checkText(description, "description")
        if category == .addressCorrection {
            guard let requestedAddress else { throw .invalid("requested_address is required for ADDRESS_CORRECTION") }
            if let problem = requestedAddress.problem { throw .invalid("requested_\(problem)") }
        } else if requestedAddress != nil {
            throw .invalid("requested_address is only for ADDRESS_CORRECTION")
        }
        let admission = try IssuePlaybook.admission(of: category, orderStatus: order.status)
        var issue = Issue(
            id: id, orderID: order.id, customerID: order.customerID, category: category, cause: nil, resolution: nil,
            state: .open, description: description, decisionRule: nil, followedPlaybook: true, log: [], messages: [],
            notifications: [], dispute: nil, requestedAddress: requestedAddress, reportedAt: now, resolvedAt: nil,
            firstResponseAt: nil)
        issue.append(actor, "reported", "\(category.name): \(description)", nil, now)
        var changes: [CaseChange] = [.opened, .stateChanged(from: nil, to: IssueState.open.name)]
        switch admission {
        case .awaitClassification:
            issue.inform("We received your report about order \(order.id); an agent will look into it.", now, &changes)
        case .classified(let cause, let resolution, let rule):
            changes += issue.choose(cause, resolution, rule, by: actor, note: "decided from the facts", at: now)
            issue.inform(
                "We received your request about order \(order.id); we will \(resolution.promise).", now, &changes)
        case .resolvedAtOnce(let cause, let resolution, let rule):
            changes += issue.choose(cause, resolution, rule, by: actor, note: "decided from the facts", at: now)
            changes += issue.applyResolution(note: "", by: actor, at: now)
        case .mediation(let rule):
            issue.dispute = Dispute()
            issue.resolution = .mediate
            issue.decisionRule = rule
            issue.state = .mediation
            issue.append(actor, "mediation", "dispute opened for mediation", rule, now)
            changes.append(.stateChanged(from: IssueState.open.name, to: IssueState.mediation.name))
            issue.inform(
                "Your dispute about order \(order.id) is open; both sides may now submit evidence.", now, &changes)
        }
        return (issue, changes)
    }

    /// An agent sets the cause; the playbook's resolution for category and cause follows.
    public mutating func classify(cause: IssueCause, note: String, by actor: Actor, at now: Date) throws(OrdersError)
        -> [CaseChange]
    {
        guard state == .open else { throw transitionRefused("classified", allowedFrom: [.open]) }
        let (resolution, rule) = try IssuePlaybook.resolution(for: category, cause: cause)
        return choose(cause, resolution, rule, by: actor, note: note, at: now)
    }

    /// An agent applies the chosen resolution; the customer is informed.
    public mutating func resolve(note: String, by actor: Actor, at now: Date) throws(OrdersError) -> [CaseChange] {
        guard state == .classified else { throw transitionRefused("resolved", allowedFrom: [.classified]) }
        return applyResolution(note: note, by: actor, at: now)
    }

    /// Adds a message to the conversation, up to ``maximumMessages``; an agent's first message is
    /// support's first response.
    public mutating func addMessage(_ text: String, by actor: Actor, at now: Date) throws(OrdersError) -> [CaseChange] {
        try Order.checkText(text, "text")
        guard state != .closed else { throw .notAllowed("issue \(id) is CLOSED; open a new issue instead") }
        guard messages.count < Self.maximumMessages else {
            throw .notAllowed(
                "issue \(id) has \(messages.count) messages, the most an issue keeps; open a new issue to go on")
        }
        let message = CaseMessage(id: "\(id)-m\(messages.count + 1)", author: actor, text: text, sentAt: now)
        messages.append(message)
        append(actor, "message", text, nil, now)
        var changes: [CaseChange] = [.message(message)]
        if actor.role == .agent, firstResponseAt == nil {
            firstResponseAt = now
            changes.append(.firstResponse)
        }
        return changes
    }

    /// Adds evidence to a dispute in mediation, up to ``maximumEvidence``. Customers give evidence
    /// for their own side only.
    public mutating func submitEvidence(
        party: DisputeParty, statement: String, attachmentURIs: [String], by actor: Actor, at now: Date
    ) throws(OrdersError) -> [CaseChange] {
        guard var dispute, category == .dispute else { throw .notAllowed("issue \(id) is not a dispute") }
        guard state == .mediation else { throw transitionRefused("given evidence", allowedFrom: [.mediation]) }
        try Order.checkText(statement, "statement")
        guard attachmentURIs.count <= 10 else { throw .invalid("attachment_uris has more than 10 entries") }
        for uri in attachmentURIs where uri.isEmpty || !TextLimit.admits(uri, characters: 2_000) {
            throw .invalid("attachment_uris entries must be 1 to 2000 characters (8000 UTF-8 bytes)")
        }
        if actor.role == .customer, party != .customer {
            throw .forbidden("a customer can only submit evidence for the customer's side")
        }
        guard dispute.evidence.count < Self.maximumEvidence else {
            throw .notAllowed(
                "dispute \(id) has \(dispute.evidence.count) pieces of evidence, the most a dispute keeps")
        }
        dispute.evidence.append(
            DisputeEvidence(
                party: party, statement: statement, attachmentURIs: attachmentURIs, submittedBy: actor,
                submittedAt: now))
        self.dispute = dispute
        append(actor, "evidence", "\(party == .customer ? "customer" : "merchant") evidence: \(statement)", nil, now)
        return []
    }

    /// The mediator decides a dispute once both sides gave evidence; the remedy follows by rule
    /// and the customer is informed.
    public mutating func decide(outcome: DisputeOutcome, rationale: String, by actor: Actor, at now: Date)
        throws(OrdersError) -> [CaseChange]
    {
        guard var dispute, category == .dispute else { throw .notAllowed("issue \(id) is not a dispute") }
        guard state == .mediation else { throw transitionRefused("decided", allowedFrom: [.mediation]) }
        try Order.checkText(rationale, "rationale")
        guard dispute.hasBothSides else {
            throw .notAllowed("a dispute is decided only after evidence from both the customer and the merchant")
        }
        dispute.outcome = outcome
        dispute.rationale = rationale
        self.dispute = dispute
        let rule = IssuePlaybook.disputeDecision
        state = .decided
        resolvedAt = now
        append(actor, "decided", "\(Self.name(outcome)): \(rationale)", rule, now)
        var changes: [CaseChange] = [
            .stateChanged(from: IssueState.mediation.name, to: IssueState.decided.name),
            .decided(
                .init(
                    type: "dispute_outcome", outcome: Self.name(outcome), favorable: outcome.remedy != nil, rule: rule,
                    followedPlaybook: true)),
        ]
        let remedy = outcome.remedy.map { "; we will \($0.promise)" } ?? "; no remedy follows"
        inform("Your dispute about order \(orderID) was decided: \(Self.name(outcome))\(remedy).", now, &changes)
        changes.append(.resolved)
        return changes
    }

    /// Closes a resolved issue or a decided dispute.
    public mutating func close(by actor: Actor, at now: Date) throws(OrdersError) -> [CaseChange] {
        guard state == .resolved || state == .decided else {
            throw transitionRefused("closed", allowedFrom: [.resolved, .decided])
        }
        let previous = state
        state = .closed
        append(actor, "closed", "closed", nil, now)
        return [.stateChanged(from: previous.name, to: IssueState.closed.name)]
    }

    // MARK: - Steps shared by the commands

    private mutating func choose(
        _ cause: IssueCause, _ resolution: Resolution, _ rule: PolicyRule, by actor: Actor, note: String, at now: Date
    ) -> [CaseChange] {
        self.cause = cause
        self.resolution = resolution
        decisionRule = rule
        followedPlaybook = true
        state = .classified
        append(actor, "classified", "cause \(cause.name), resolution \(Self.name(resolution)). \(note)", rule, now)
        return [
            .stateChanged(from: IssueState.open.name, to: IssueState.classified.name),
            .decided(
                .init(
                    type: "issue_resolution", outcome: Self.name(resolution), favorable: resolution.isRemedy,
                    rule: rule, followedPlaybook: true)),
        ]
    }

    private mutating func applyResolution(note: String, by actor: Actor, at now: Date) -> [CaseChange] {
        let resolution = self.resolution ?? .escalate
        state = .resolved
        resolvedAt = now
        append(actor, "resolved", "\(Self.name(resolution)) applied. \(note)", decisionRule, now)
        var changes: [CaseChange] = [.stateChanged(from: IssueState.classified.name, to: IssueState.resolved.name)]
        inform("Your issue with order \(orderID) is resolved: we \(resolution.promise).", now, &changes)
        changes.append(.resolved)
        return changes
    }

    private mutating func inform(_ text: String, _ now: Date, _ changes: inout [CaseChange]) {
        let notification = CustomerNotification(
            id: "\(id)-n\(notifications.count + 1)", customerID: customerID, text: text, createdAt: now)
        notifications.append(notification)
        let message = CaseMessage(
            id: notification.id, author: Actor(subject: "orders", role: .service), text: text, sentAt: now)
        changes.append(.message(message))
        if firstResponseAt == nil {
            firstResponseAt = now
            changes.append(.firstResponse)
        }
    }

    private mutating func append(_ actor: Actor, _ action: String, _ detail: String, _ rule: PolicyRule?, _ now: Date) {
        log.append(
            IssueLogEntry(sequence: log.count + 1, actor: actor, action: action, detail: detail, rule: rule, at: now))
    }

    private func transitionRefused(_ action: String, allowedFrom states: [IssueState]) -> OrdersError {
        .notAllowed(
            "issue \(id) is \(state.name); it can be \(action) only when \(states.map(\.name).joined(separator: " or "))"
        )
    }

    /// A resolution's name, such as "CARRIER_REDIRECT".
    public static func name(_ resolution: Resolution) -> String {
        switch resolution {
        case .reship: "RESHIP"
        case .expedite: "EXPEDITE"
        case .refund: "REFUND"
        case .updateAddress: "UPDATE_ADDRESS"
        case .carrierRedirect: "CARRIER_REDIRECT"
        case .adjustOrder: "ADJUST_ORDER"
        case .correctRecords: "CORRECT_RECORDS"
        case .escalate: "ESCALATE"
        case .mediate: "MEDIATE"
        }
    }

    /// An outcome's name, such as "CUSTOMER_UPHELD".
    public static func name(_ outcome: DisputeOutcome) -> String {
        switch outcome {
        case .customerUpheld: "CUSTOMER_UPHELD"
        case .merchantUpheld: "MERCHANT_UPHELD"
        case .settled: "SETTLED"
        }
    }
}
