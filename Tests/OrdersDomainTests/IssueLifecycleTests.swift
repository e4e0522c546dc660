import Foundation
import OrdersDomain
import SupportPolicy
import Testing

typealias Issue = OrdersDomain.Issue

/// Every issue state against every command: the allowed transitions happen, the forbidden ones
/// fail FAILED_PRECONDITION (notAllowed) with a message naming the state, and the log only grows.
@Suite struct IssueLifecycleTests {
    typealias Fixtures = OrderFixtures

    /// An issue brought to `state` through the commands themselves.
    static func issue(in state: IssueState) throws -> Issue {
        let now = Fixtures.now
        if [.mediation, .decided].contains(state) {
            var (issue, _) = try Issue.report(
                id: "i-1", on: Fixtures.order(.delivered), category: .dispute, description: "charged twice",
                requestedAddress: nil, by: Fixtures.customer, at: now)
            _ = try issue.submitEvidence(
                party: .customer, statement: "bank statement", attachmentURIs: [], by: Fixtures.customer, at: now)
            _ = try issue.submitEvidence(
                party: .merchant, statement: "one capture only", attachmentURIs: [], by: Fixtures.agent, at: now)
            if state == .decided {
                _ = try issue.decide(outcome: .customerUpheld, rationale: "two captures", by: Fixtures.agent, at: now)
            }
            return issue
        }
        var (issue, _) = try Issue.report(
            id: "i-1", on: Fixtures.order(.processing), category: .processingDelay, description: "late",
            requestedAddress: nil, by: Fixtures.customer, at: now)
        if state == .open { return issue }
        _ = try issue.classify(cause: .systemTechnicalFault, note: "queue stuck", by: Fixtures.agent, at: now)
        if state == .classified { return issue }
        _ = try issue.resolve(note: "", by: Fixtures.agent, at: now)
        if state == .resolved { return issue }
        _ = try issue.close(by: Fixtures.agent, at: now)
        return issue
    }

    enum Command: String, CaseIterable {
        case classify, resolve, close, evidence, decide, message
    }

    /// The states each command is allowed in.
    static let allowed: [Command: Set<IssueState>] = [
        .classify: [.open], .resolve: [.classified], .close: [.resolved, .decided], .evidence: [.mediation],
        .decide: [.mediation], .message: [.open, .classified, .resolved, .mediation, .decided],
    ]

    static func run(_ command: Command, on issue: inout Issue) throws(OrdersError) -> [CaseChange] {
        let agent = Fixtures.agent
        let now = Fixtures.now
        switch command {
        case .classify: return try issue.classify(cause: .shipping, note: "", by: agent, at: now)
        case .resolve: return try issue.resolve(note: "done", by: agent, at: now)
        case .close: return try issue.close(by: agent, at: now)
        case .evidence:
            return try issue.submitEvidence(party: .merchant, statement: "more", attachmentURIs: [], by: agent, at: now)
        case .decide: return try issue.decide(outcome: .settled, rationale: "half", by: agent, at: now)
        case .message: return try issue.addMessage("hello", by: agent, at: now)
        }
    }

    @Test(arguments: [IssueState.open, .classified, .resolved, .mediation, .decided, .closed])
    func everyCommandInEveryState(_ state: IssueState) throws {
        for command in Command.allCases {
            var issue = try Self.issue(in: state)
            let before = issue
            let allowedHere = Self.allowed[command, default: []].contains(state)
            // Evidence and decisions only exist for disputes; classify/resolve for the others.
            do throws(OrdersError) {
                _ = try Self.run(command, on: &issue)
                #expect(allowedHere, "\(command) was allowed in \(state)")
                #expect(Array(issue.log.prefix(before.log.count)) == before.log, "the log was rewritten")
                #expect(issue.log.count > before.log.count, "\(command) left no log entry")
            } catch {
                #expect(!allowedHere, "\(command) was refused in \(state): \(error)")
                guard case .notAllowed(let message) = error else {
                    Testing.Issue.record("\(command) in \(state): expected notAllowed, got \(error)")
                    continue
                }
                #expect(issue == before, "a refused command changed the issue")
                #expect(
                    message.contains(state.name) || message.contains("not a dispute"),
                    "the message says why: \(message)")
            }
        }
    }

    @Test func resolvingInformsTheCustomerAndEndsTheClocks() throws {
        var issue = try Self.issue(in: .classified)
        let changes = try issue.resolve(note: "sent again", by: Fixtures.agent, at: Fixtures.now)
        #expect(issue.state == .resolved)
        #expect(issue.resolvedAt == Fixtures.now)
        #expect(issue.notifications.last?.text.contains("resolved") == true)
        #expect(changes.contains(.resolved))
        #expect(changes.contains(.stateChanged(from: IssueState.classified.name, to: IssueState.resolved.name)))
        #expect(issue.decisionRule?.id == "ORD-PROCESSING_DELAY-SYSTEM_TECHNICAL_FAULT")
        #expect(issue.decisionRule?.version == Policy.version)
    }

    @Test func aDisputeNeedsEvidenceFromBothSidesBeforeADecision() throws {
        var (issue, changes) = try Issue.report(
            id: "d-1", on: OrderFixtures.order(.delivered), category: .dispute, description: "never arrived",
            requestedAddress: nil, by: Fixtures.customer, at: Fixtures.now)
        #expect(issue.state == .mediation)
        #expect(changes.contains(.stateChanged(from: IssueState.open.name, to: IssueState.mediation.name)))
        _ = try issue.submitEvidence(
            party: .customer, statement: "no parcel", attachmentURIs: ["https://e/1.jpg"], by: Fixtures.customer,
            at: Fixtures.now)
        #expect(
            throws: OrdersError.notAllowed(
                "a dispute is decided only after evidence from both the customer and the merchant")
        ) {
            _ = try issue.decide(outcome: .customerUpheld, rationale: "r", by: Fixtures.agent, at: Fixtures.now)
        }
        #expect(throws: OrdersError.forbidden("a customer can only submit evidence for the customer's side")) {
            _ = try issue.submitEvidence(
                party: .merchant, statement: "x", attachmentURIs: [], by: Fixtures.customer, at: Fixtures.now)
        }
        _ = try issue.submitEvidence(
            party: .merchant, statement: "carrier scan", attachmentURIs: [], by: Fixtures.agent, at: Fixtures.now)
        let decided = try issue.decide(
            outcome: .merchantUpheld, rationale: "proof of delivery", by: Fixtures.agent, at: Fixtures.now)
        #expect(issue.state == .decided)
        #expect(issue.dispute?.outcome == .merchantUpheld)
        #expect(
            decided.contains {
                if case .decided(let d) = $0 { d.outcome == "MERCHANT_UPHELD" && !d.favorable } else { false }
            })
        #expect(issue.notifications.last?.text.contains("MERCHANT_UPHELD") == true)
        #expect(issue.log.map(\.action) == ["reported", "mediation", "evidence", "evidence", "decided"])
    }

    @Test func anIssueKeepsAtMostItsBoundOfMessagesAndEvidence() throws {
        var issue = try Self.issue(in: .mediation)
        while issue.messages.count < Issue.maximumMessages {
            _ = try issue.addMessage("message \(issue.messages.count)", by: Fixtures.customer, at: Fixtures.now)
        }
        let logged = issue.log.count
        #expect(
            throws: OrdersError.notAllowed(
                "issue i-1 has 50 messages, the most an issue keeps; open a new issue to go on")
        ) {
            _ = try issue.addMessage("one more", by: Fixtures.customer, at: Fixtures.now)
        }
        #expect(issue.messages.count == Issue.maximumMessages && issue.log.count == logged)
        while issue.dispute?.evidence.count ?? 0 < Issue.maximumEvidence {
            _ = try issue.submitEvidence(
                party: .customer, statement: "more", attachmentURIs: [], by: Fixtures.customer, at: Fixtures.now)
        }
        #expect(throws: OrdersError.notAllowed("dispute i-1 has 10 pieces of evidence, the most a dispute keeps")) {
            _ = try issue.submitEvidence(
                party: .merchant, statement: "late", attachmentURIs: [], by: Fixtures.agent, at: Fixtures.now)
        }
        #expect(issue.dispute?.evidence.count == Issue.maximumEvidence)
        // The dispute is still decided.
        _ = try issue.decide(outcome: .customerUpheld, rationale: "receipts", by: Fixtures.agent, at: Fixtures.now)
        #expect(issue.state == .decided)
    }

    @Test func anAgentsFirstMessageIsTheFirstResponse() throws {
        var (issue, _) = try Issue.report(
            id: "i-2", on: OrderFixtures.order(.inTransit), category: .shippingAnomaly, description: "box crushed",
            requestedAddress: nil, by: Fixtures.customer, at: Fixtures.now)
        // The acknowledgement already informed the customer; an agent's message does not count again.
        #expect(issue.firstResponseAt == Fixtures.now)
        let later = Fixtures.now.addingTimeInterval(60)
        let changes = try issue.addMessage("We are on it", by: Fixtures.agent, at: later)
        #expect(!changes.contains(.firstResponse))
        #expect(issue.messages.map(\.id) == ["i-2-m1"])
    }

    @Test func addressCorrectionBeforeShipmentIsResolvedAtOnceAndAfterIsARedirect() throws {
        let newAddress = Address(
            recipient: "Ana Lima", line1: "Rua B 2", city: "Porto", postalCode: "4000-001", countryCode: "PT")
        let (before, _) = try Issue.report(
            id: "a-1", on: OrderFixtures.order(.processing), category: .addressCorrection, description: "moved",
            requestedAddress: newAddress, by: Fixtures.customer, at: Fixtures.now)
        #expect(before.state == .resolved)
        #expect(before.resolution == .updateAddress)
        let (after, _) = try Issue.report(
            id: "a-2", on: OrderFixtures.order(.inTransit), category: .addressCorrection, description: "moved",
            requestedAddress: newAddress, by: Fixtures.customer, at: Fixtures.now)
        #expect(after.resolution == .carrierRedirect)
        #expect(after.decisionRule?.id == "ORD-ADDRESS-AFTER-SHIPMENT")
        #expect(throws: OrdersError.self) {
            _ = try Issue.report(
                id: "a-3", on: OrderFixtures.order(.delivered), category: .addressCorrection, description: "moved",
                requestedAddress: newAddress, by: Fixtures.customer, at: Fixtures.now)
        }
        #expect(throws: OrdersError.invalid("requested_address is required for ADDRESS_CORRECTION")) {
            _ = try Issue.report(
                id: "a-4", on: OrderFixtures.order(.placed), category: .addressCorrection, description: "moved",
                requestedAddress: nil, by: Fixtures.customer, at: Fixtures.now)
        }
    }

    @Test func theSameCaseGetsTheSameDecisionWhateverTheRegionValueOrAccountAge() throws {
        var decisions: Set<String> = []
        for region in ["EU", "NA", "APAC", "LATAM", "MEA"] {
            for value in [100, 5_000, 250_000, 9_999_999] as [Int64] {
                for ageDays in [0, 30, 400, 4_000] {
                    let fairness = FairnessFacts(
                        region: region, orderValue: Money(minorUnits: value, currency: "EUR"),
                        accountCreatedAt: Fixtures.now.addingTimeInterval(-Double(ageDays) * 86_400))
                    for (category, cause) in [
                        (IssueCategory.shippingAnomaly, IssueCause.shipping), (.trackingNotUpdated, .humanError),
                    ] {
                        var (issue, _) = try Issue.report(
                            id: "u", on: OrderFixtures.order(.inTransit, fairness: fairness), category: category,
                            description: "same facts", requestedAddress: nil, by: Fixtures.customer, at: Fixtures.now)
                        _ = try issue.classify(cause: cause, note: "", by: Fixtures.agent, at: Fixtures.now)
                        decisions.insert(
                            "\(category)|\(issue.resolution.map { "\($0)" } ?? "-")|\(issue.decisionRule?.id ?? "-")")
                    }
                }
            }
        }
        #expect(
            decisions == [
                "shippingAnomaly|reship|ORD-SHIPPING_ANOMALY-SHIPPING",
                "trackingNotUpdated|correctRecords|ORD-TRACKING_NOT_UPDATED-HUMAN_ERROR",
            ])
    }
}
