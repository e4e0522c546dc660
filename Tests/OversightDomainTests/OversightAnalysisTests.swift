import Foundation
import OversightDomain
import SupportPolicy
import Testing

/// Samples, percentiles, fairness flags and the complaint lifecycle.
@Suite struct OversightAnalysisTests {
    @Test func theSameSeedGivesTheSameSample() {
        let candidates = Array(Int64(1)...10_000)
        let first = AuditSampler.sample(candidates, size: 25, seed: 42)
        #expect(first == AuditSampler.sample(candidates, size: 25, seed: 42))
        #expect(first != AuditSampler.sample(candidates, size: 25, seed: 43))
        #expect(first.count == 25)
        #expect(Set(first).count == 25)
        #expect(first == first.sorted())
        #expect(AuditSampler.sample([1, 2, 3], size: 10, seed: 1) == [1, 2, 3])
        // The generator is fixed: this sequence is the same on every platform and every run.
        var generator = AuditSampler.SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func percentilesAreNearestRank() {
        let values = (1...100).map(Double.init)
        let result = Percentiles(values.shuffled())
        #expect(result.count == 100)
        #expect(result.p50 == 50)
        #expect(result.p90 == 90)
        #expect(result.p99 == 99)
        #expect(Percentiles([]).p99 == 0)
        #expect(Percentiles([7]).p50 == 7)
    }

    /// Decision counts per group for 400 decisions per region where region `biased` gets
    /// favorable outcomes `biasedRate` times in 400 and every other region `rate` times; value and
    /// age bands each hold an even share of every region.
    static func counts(biased: String?, biasedRate: Int64, rate: Int64) -> [String: [String: (
        decisions: Int64, favorable: Int64
    )]] {
        var counts: [String: [String: (decisions: Int64, favorable: Int64)]] = [:]
        var favorableTotal: Int64 = 0
        for region in ["EU", "NA", "APAC", "LATAM"] {
            let favorable = region == biased ? biasedRate : rate
            counts["region", default: [:]][region] = (400, favorable)
            favorableTotal += favorable
        }
        for band in ["<50", "50-200", "200-1000", "1000+"] {
            counts["order_value_band", default: [:]][band] = (400, favorableTotal / 4)
        }
        for band in ["<30d", "30d-1y", "1y-3y", "3y+"] {
            counts["account_age_band", default: [:]][band] = (400, favorableTotal / 4)
        }
        return counts
    }

    @Test func aBiasedStreamIsFlaggedAndAnUnbiasedOneIsNot() {
        let fair = FairnessAnalysis(counts: Self.counts(biased: nil, biasedRate: 0, rate: 320))
        #expect(!fair.disparityFlagged)
        #expect(fair.overallPPM == 800_000)
        // LATAM gets a favorable outcome half as often: overall 70%, LATAM 40%.
        let biased = FairnessAnalysis(counts: Self.counts(biased: "LATAM", biasedRate: 160, rate: 320))
        #expect(biased.disparityFlagged)
        let flagged = biased.dimensions.flatMap { $0.groups.filter(\.flagged).map(\.name) }
        #expect(flagged == ["LATAM"])
        // A difference within the threshold is not a disparity.
        #expect(!FairnessAnalysis(counts: Self.counts(biased: "LATAM", biasedRate: 300, rate: 320)).disparityFlagged)
        // Small groups are not judged.
        var small = Self.counts(biased: nil, biasedRate: 0, rate: 320)
        small["region"]?["MEA"] = (10, 0)
        #expect(!FairnessAnalysis(counts: small).disparityFlagged)
    }

    @Test func aGroupRefusedMoreOftenIsFlaggedAndTheSameVolumeOfRefusalsSpreadEvenlyIsNot() {
        // LATAM is refused 40 times in 400 (10%), every other region 20 times (5%): grant rates of
        // 90% and 95% pass the four-fifths test, refusal rates of 10% and 5% do not.
        let biased = FairnessAnalysis(counts: Self.counts(biased: "LATAM", biasedRate: 360, rate: 380))
        let groups = biased.dimensions.flatMap(\.groups)
        #expect(groups.filter(\.flagged).map(\.name) == ["LATAM"])
        #expect(groups.filter(\.refusedMoreOften).map(\.name) == ["LATAM"])
        #expect(groups.filter(\.grantedLessOften).isEmpty)
        #expect(groups.first { $0.name == "LATAM" }?.refusalRatePPM == 100_000)
        #expect(groups.first { $0.name == "LATAM" }?.unfavorable == 40)
        // The same 100 refusals spread evenly (25 per region) flag nothing.
        let even = FairnessAnalysis(counts: Self.counts(biased: nil, biasedRate: 0, rate: 375))
        #expect(even.overallRefusalPPM == biased.overallRefusalPPM)
        #expect(!even.disparityFlagged)
        // A gap below five points is not judged by ratio alone (1 refusal in 400 against none).
        var rare = Self.counts(biased: "LATAM", biasedRate: 399, rate: 400)
        #expect(!FairnessAnalysis(counts: rare).disparityFlagged)
    }

    @Test func valueBandLimitsAreTheBaseCurrencysConvertedWithThePublishedTable() throws {
        let rates = PublishedRates(
            version: 3, base: "EUR",
            entries: [
                "EUR": .init(rate: try #require(ExchangeRate(decimal: "1")), minorDigits: 2),
                "JPY": .init(rate: try #require(ExchangeRate(decimal: "160.5")), minorDigits: 0),
                "BHD": .init(rate: try #require(ExchangeRate(decimal: "0.4105")), minorDigits: 3),
            ])
        #expect(FairnessBands.valueLimits(in: "EUR", rates: rates) == [5_000, 20_000, 100_000])
        // 50 EUR = 8,025 JPY; 200 EUR = 32,100 JPY; 1,000 EUR = 160,500 JPY.
        #expect(FairnessBands.valueLimits(in: "JPY", rates: rates) == [8_025, 32_100, 160_500])
        // 50 EUR = 20.525 BHD (20,525 fils).
        #expect(FairnessBands.valueLimits(in: "BHD", rates: rates) == [20_525, 82_100, 410_500])
        #expect(FairnessBands.valueLimits(in: "USD", rates: rates) == nil)
        #expect(FairnessBands.valueBandNames(in: "EUR") == ["<50 EUR", "50-200 EUR", "200-1000 EUR", "1000+ EUR"])
    }

    @Test func bandsFollowValueAndAccountAge() {
        #expect(FairnessBands.valueBand(Money(minorUnits: 4_999, currency: "EUR")) == "<50")
        #expect(FairnessBands.valueBand(Money(minorUnits: 5_000, currency: "EUR")) == "50-200")
        #expect(FairnessBands.valueBand(Money(minorUnits: 150_000, currency: "JPY")) == "1000+")
        #expect(FairnessBands.valueBand(Money(minorUnits: 250_000, currency: "BHD")) == "200-1000")
        #expect(FairnessBands.valueBand(nil) == "unknown")
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(FairnessBands.ageBand(createdAt: now.addingTimeInterval(-10 * 86_400), at: now) == "<30d")
        #expect(FairnessBands.ageBand(createdAt: now.addingTimeInterval(-400 * 86_400), at: now) == "1y-3y")
    }

    @Test func aComplaintGoesThroughEveryState() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var (complaint, opened) = try Complaint.file(
            id: "c-1", kind: .complaint, customerID: "customer-1", subject: "Late refund", text: "Two weeks now",
            relatedCase: "refund/R-1", at: now)
        #expect(complaint.state == .submitted)
        #expect(opened.contains(.opened))
        #expect(throws: OversightError.self) { _ = try complaint.startInvestigation(at: now) }
        #expect(throws: OversightError.notAllowed("'agent-2' is not an active member of the complaints team")) {
            _ = try complaint.assign(to: "agent-2", isComplaintsStaff: false, at: now)
        }
        _ = try complaint.assign(to: "staff-1", isComplaintsStaff: true, at: now)
        #expect(complaint.state == .assigned)
        _ = try complaint.startInvestigation(at: now)
        #expect(complaint.state == .investigating)
        #expect(throws: OversightError.self) { _ = try complaint.close(at: now) }
        let resolved = try complaint.resolve("Refund paid with compensation", at: now)
        #expect(complaint.state == .resolved)
        #expect(complaint.notifications.last?.text.contains("Refund paid with compensation") == true)
        #expect(resolved.contains(.resolved))
        _ = try complaint.close(at: now)
        #expect(complaint.state == .closed)
        #expect(throws: OversightError.self) {
            _ = try complaint.addMessage("hello?", by: Actor(subject: "customer-1", role: .customer), at: now)
        }
    }
}
