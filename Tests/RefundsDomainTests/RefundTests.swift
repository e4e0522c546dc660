import Foundation
import RefundsDomain
import SupportPolicy
import Testing

/// Refunds: never more than paid across partial refunds (failed ones freed), the state machine,
/// and the 10-day deadline.
@Suite struct RefundTests {
    static let paid = Money(minorUnits: 10_000, currency: "EUR")
    static let now = Date(timeIntervalSince1970: 1_790_812_800)

    static func refund(
        _ amount: Int64, existing: [Refund] = [], id: String = "r", source: RefundSource? = nil
    ) throws(RefundsError) -> Refund {
        try Refund.create(
            id: id, orderID: "o-1", customerID: "c-1", paid: paid, existing: existing,
            amount: Money(minorUnits: amount, currency: "EUR"), source: source ?? .returnID("ret-\(id)"), at: now)
    }

    @Test func aReturnOrAnIssueIsRefundedOnceWhoeverAsks() throws {
        let first = try Self.refund(1_000, id: "a", source: .returnID("ret-1"))
        #expect(
            throws: RefundsError.alreadyRefunded(
                "return ret-1 already has refund a (PENDING, 10.00 EUR); one refund per return (rule REF-ONE-PER-CASE)")
        ) { _ = try Self.refund(1, existing: [first], id: "b", source: .returnID("ret-1")) }
        let issue = try Self.refund(1_000, existing: [first], id: "c", source: .issueID("iss-1"))
        #expect(throws: RefundsError.self) {
            _ = try Self.refund(1, existing: [first, issue], id: "d", source: .issueID("iss-1"))
        }
        // Goodwill refunds have no case to be unique for; a failed refund may be replaced.
        let goodwill = try Self.refund(100, existing: [first, issue], id: "e", source: .agentNote("sorry"))
        _ = try Self.refund(100, existing: [first, issue, goodwill], id: "f", source: .agentNote("sorry"))
        var failed = first
        try failed.fail(reason: "card closed", at: Self.now)
        _ = try Self.refund(1_000, existing: [failed, issue], id: "g", source: .returnID("ret-1"))
    }

    @Test func partialRefundsNeverAddUpToMoreThanWasPaid() throws {
        let first = try Self.refund(6_000, id: "a")
        let second = try Self.refund(4_000, existing: [first], id: "b")
        #expect(throws: RefundsError.self) { _ = try Self.refund(1, existing: [first, second]) }
        var failed = second
        try failed.fail(reason: "card closed", at: Self.now)
        // A failed refund no longer counts: its amount can be refunded again.
        let retry = try Self.refund(4_000, existing: [first, failed], id: "c")
        #expect(RefundBalance(paid: Self.paid, refunds: [first, failed, retry]).refundable.minorUnits == 0)
    }

    @Test func balancesPastInt64AreComputedWithoutTrappingAndRefundNothing() throws {
        let paid = Money(minorUnits: Int64.max, currency: "EUR")
        let huge = Refund(
            id: "h", orderID: "o-1", customerID: "c-1", amount: paid, state: .pending, source: .agentNote("n"),
            approvedAt: Self.now, expectedBy: Self.now)
        var done = huge
        done.state = .completed
        let balance = RefundBalance(paid: paid, refunds: [huge, huge, done, done])
        #expect(balance.inProgress.minorUnits == Int64.max)
        #expect(balance.refundable.minorUnits == 0)
        let negative = RefundBalance(paid: Money(minorUnits: Int64.min, currency: "EUR"), refunds: [done])
        #expect(negative.refundable.minorUnits == 0)
        #expect(throws: RefundsError.self) {
            _ = try Refund.create(
                id: "x", orderID: "o-1", customerID: "c-1", paid: paid, existing: [huge, done],
                amount: Money(minorUnits: 1, currency: "EUR"), source: .agentNote("n"), at: Self.now)
        }
    }

    @Test func amountsMustBePositiveAndInTheOrdersCurrency() {
        #expect(throws: RefundsError.invalid("amount must be positive")) { _ = try Self.refund(0) }
        #expect(throws: RefundsError.self) {
            _ = try Refund.create(
                id: "x", orderID: "o-1", customerID: "c-1", paid: Self.paid, existing: [],
                amount: Money(minorUnits: 100, currency: "USD"), source: .agentNote("goodwill"), at: Self.now)
        }
    }

    @Test func theDeadlineIsApprovalPlusTenDays() throws {
        let refund = try Self.refund(100)
        #expect(refund.expectedBy == Self.now.addingTimeInterval(10 * 86_400))
        #expect(refund.rule.id == "REF-DEADLINE-10D")
        #expect(!refund.breachedSLA(at: Self.now.addingTimeInterval(10 * 86_400)))
        #expect(refund.breachedSLA(at: Self.now.addingTimeInterval(10 * 86_400 + 1)))
        var completed = refund
        try completed.complete(reference: "pay-1", at: Self.now.addingTimeInterval(9 * 86_400))
        #expect(!completed.breachedSLA(at: Self.now.addingTimeInterval(30 * 86_400)))
    }

    @Test func theStateMachineMovesForwardOnly() throws {
        var refund = try Self.refund(100)
        try refund.markProcessing(reference: "p-1", at: Self.now)
        #expect(refund.state == .processing)
        #expect(
            throws: RefundsError.notAllowed("refund r is PROCESSING; it can be marked processing only when PENDING")
        ) {
            try refund.markProcessing(reference: "p-2", at: Self.now)
        }
        try refund.complete(reference: "p-1", at: Self.now)
        #expect(throws: RefundsError.self) { try refund.fail(reason: "late", at: Self.now) }
        #expect(throws: RefundsError.self) { try refund.complete(reference: "again", at: Self.now) }
        #expect(refund.state == .completed)
        var failed = try Self.refund(100)
        #expect(throws: RefundsError.self) { try failed.fail(reason: "", at: Self.now) }
        try failed.fail(reason: "account closed", at: Self.now)
        #expect(failed.state == .failed)
    }
}
