import Foundation
import ReturnsDomain
import SupportPolicy
import Testing

/// The 60-day window, exact at its boundary in UTC, and the routes outside it.
@Suite struct EligibilityTests {
    /// 2026-10-01 15:30 UTC.
    static let delivered = Date(timeIntervalSince1970: 1_790_868_600)

    static func facts(_ progress: PurchaseFacts.Progress) -> PurchaseFacts {
        PurchaseFacts(
            orderID: "o-1", customerID: "c-1", paid: Money(minorUnits: 5_000, currency: "EUR"), progress: progress,
            lines: [
                .init(
                    number: 1, quantity: 2, unitPrice: Money(minorUnits: 2_500, currency: "EUR"),
                    paidShare: Money(minorUnits: 5_000, currency: "EUR"))
            ])
    }

    static func day(_ days: Int, at hour: Double) -> Date {
        // Midnight UTC of the delivery day, plus days and hours.
        Date(timeIntervalSince1970: 1_790_812_800 + Double(days) * 86_400 + hour * 3_600)
    }

    @Test(arguments: [
        (0, 16.0, true), (1, 0.0, true), (59, 12.0, true), (60, 0.0, true), (60, 23.9997, true),
        (61, 0.0, false), (61, 12.0, false), (90, 12.0, false),
    ])
    func theWindowEndsWithDaySixty(_ days: Int, _ hour: Double, _ eligible: Bool) {
        let result = Eligibility.evaluate(Self.facts(.delivered(Self.delivered)), at: Self.day(days, at: hour))
        #expect(result.eligible == eligible, "day \(days) at \(hour)h")
        #expect(result.daysSinceDelivery == days)
        #expect(result.rule == Eligibility.windowRule)
        #expect(result.route == (eligible ? .returnRequest : EligibilityRoute.none))
        #expect(result.windowEndsAt == Self.day(61, at: 0))
    }

    @Test func deliveredSixtyDaysAgoIsEligibleAndSixtyOneIsNot() {
        let sixty = Eligibility.evaluate(
            Self.facts(.delivered(Self.delivered)), at: Self.delivered.addingTimeInterval(60 * 86_400))
        let sixtyOne = Eligibility.evaluate(
            Self.facts(.delivered(Self.delivered)), at: Self.delivered.addingTimeInterval(61 * 86_400))
        #expect(sixty.eligible)
        #expect(!sixtyOne.eligible)
        #expect(sixtyOne.explanation.contains("the 60-day return window ended"))
        #expect(sixty.rule.id == "RET-WINDOW-60D")
        #expect(sixty.rule.version == Policy.version)
    }

    @Test func notYetDeliveredGoesToTheOrderIssuePath() {
        let result = Eligibility.evaluate(Self.facts(.notDelivered), at: Self.delivered)
        #expect(!result.eligible)
        #expect(result.route == .orderIssue)
        #expect(result.rule.id == "RET-NOT-DELIVERED")
        let cancelled = Eligibility.evaluate(Self.facts(.cancelled), at: Self.delivered)
        #expect(cancelled.route == EligibilityRoute.none)
        #expect(cancelled.rule.id == "RET-CANCELLED")
    }

    @Test func theSameFactsGetTheSameAnswerWhateverTheRegionValueOrAge() {
        var answers: Set<String> = []
        for region in ["EU", "NA", "APAC", "LATAM"] {
            for value in [100, 99_999_999] as [Int64] {
                for age in [0.0, 4_000.0] {
                    var facts = Self.facts(.delivered(Self.delivered))
                    facts.fairness = FairnessFacts(
                        region: region, orderValue: Money(minorUnits: value, currency: "EUR"),
                        accountCreatedAt: Self.delivered.addingTimeInterval(-age * 86_400))
                    for day in [60, 61] {
                        let result = Eligibility.evaluate(facts, at: Self.day(day, at: 12))
                        answers.insert("\(day) \(result.eligible) \(result.rule.id)")
                    }
                }
            }
        }
        #expect(answers == ["60 true RET-WINDOW-60D", "61 false RET-WINDOW-60D"])
    }
}
