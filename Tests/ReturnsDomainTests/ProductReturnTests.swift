import Foundation
import ReturnsDomain
import SupportPolicy
import Testing

/// A return's life: request (lines, remedy, label), receipt, inspection by rule, and the refund
/// or replacement; every forbidden transition refused with its reason.
@Suite struct ProductReturnTests {
    static let customer = Actor(subject: "c-1", role: .customer)
    static let agent = Actor(subject: "agent-1", role: .agent)
    static let now = EligibilityTests.delivered.addingTimeInterval(10 * 86_400)

    static func open(
        _ reason: ReturnReason = .productDefect, remedy: ReturnRemedy = .refund, quantity: Int = 1,
        alreadyReturned: [Int: Int] = [:]
    ) throws(ReturnsError) -> ProductReturn {
        try ProductReturn.request(
            id: "r-1", facts: EligibilityTests.facts(.delivered(EligibilityTests.delivered)),
            lines: [ReturnLine(lineNumber: 1, quantity: quantity)], reason: reason, remedy: remedy,
            description: "stopped working", alreadyReturned: alreadyReturned, by: customer, at: now
        ).0
    }

    @Test func aRequestIssuesAFreeLabelAndValuesTheReturnedLines() throws {
        let opened = try Self.open(quantity: 2)
        #expect(opened.state == .requested)
        #expect(opened.label.customerCost == Money(minorUnits: 0, currency: "EUR"))
        #expect(opened.refundAmount == Money(minorUnits: 5_000, currency: "EUR"))
        #expect(opened.timeline.map(\.action) == ["requested", "label_issued"])
        #expect(opened.notifications.count == 1)
    }

    @Test func requestsOutsideTheRulesAreRefused() {
        #expect(throws: ReturnsError.self) { _ = try Self.open(quantity: 3) }
        #expect(throws: ReturnsError.notAllowed("every unit of line 1 is already in another return")) {
            _ = try Self.open(alreadyReturned: [1: 2])
        }
        for reason in [ReturnReason.changedMind, .missingItem] {
            #expect(throws: ReturnsError.self, "replacement for \(reason)") {
                _ = try Self.open(reason, remedy: .replacement)
            }
        }
        for reason in [ReturnReason.productDefect, .shippingDamage, .orderMismatch] {
            #expect(throws: Never.self) { _ = try Self.open(reason, remedy: .replacement) }
        }
        let late = EligibilityTests.delivered.addingTimeInterval(61 * 86_400)
        #expect(throws: ReturnsError.self) {
            _ = try ProductReturn.request(
                id: "r", facts: EligibilityTests.facts(.delivered(EligibilityTests.delivered)),
                lines: [ReturnLine(lineNumber: 1, quantity: 1)], reason: .changedMind, remedy: .refund,
                description: "", by: Self.customer, at: late)
        }
    }

    @Test(arguments: [
        (InspectionFinding.confirmsReason, ReturnState.approved, "RET-INSPECTION-CONFIRMS"),
        (.contradictsReason, .rejected, "RET-INSPECTION-CONTRADICTS"),
        (.itemsNotReturned, .rejected, "RET-ITEMS-NOT-RETURNED"),
    ])
    func inspectionDecidesByRule(_ finding: InspectionFinding, _ state: ReturnState, _ rule: String) throws {
        var productReturn = try Self.open()
        _ = try productReturn.receive(by: Self.agent, at: Self.now)
        let changes = try productReturn.inspect(finding: finding, notes: "checked", by: Self.agent, at: Self.now)
        #expect(productReturn.state == state)
        #expect(productReturn.decision?.rule.id == rule)
        #expect(productReturn.awaitsRefund == (state == .approved))
        #expect(changes.contains { if case .decided(let d) = $0 { d.rule.id == rule } else { false } })
    }

    @Test func anApprovedReplacementIsIssuedAtOnce() throws {
        var productReturn = try Self.open(.shippingDamage, remedy: .replacement)
        _ = try productReturn.receive(by: Self.agent, at: Self.now)
        _ = try productReturn.inspect(finding: .confirmsReason, notes: "", by: Self.agent, at: Self.now)
        #expect(productReturn.state == .replacementIssued)
        #expect(productReturn.replacementID == "REPL-r-1")
        #expect(!productReturn.awaitsRefund)
    }

    @Test func transitionsOutOfOrderAreRefusedWithTheirReason() throws {
        var productReturn = try Self.open()
        #expect(throws: ReturnsError.notAllowed("return r-1 is REQUESTED; it can be inspected only when RECEIVED")) {
            _ = try productReturn.inspect(finding: .confirmsReason, notes: "", by: Self.agent, at: Self.now)
        }
        #expect(throws: ReturnsError.self) { _ = try productReturn.recordRefund(id: "x", by: Self.agent, at: Self.now) }
        _ = try productReturn.receive(by: Self.agent, at: Self.now)
        #expect(throws: ReturnsError.self) { _ = try productReturn.receive(by: Self.agent, at: Self.now) }
        _ = try productReturn.inspect(finding: .confirmsReason, notes: "", by: Self.agent, at: Self.now)
        _ = try productReturn.recordRefund(id: "REF-1", by: Self.agent, at: Self.now)
        #expect(productReturn.state == .refundRequested)
        #expect(throws: ReturnsError.self) {
            _ = try productReturn.recordRefund(id: "REF-2", by: Self.agent, at: Self.now)
        }
        #expect(productReturn.refundID == "REF-1")
    }
}
