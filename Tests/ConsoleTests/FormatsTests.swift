import CommonAPI
import Foundation
import RefundsAPI
import Testing
import Wire

@testable import ConsoleWeb

@Suite("Figures, forms and periods")
struct FormatsTests {
    @Test("parts per million and thousandths are written exactly")
    func exactFigures() {
        #expect(Figures.percent(ppm: 937_500) == "93.75 %")
        #expect(Figures.percent(ppm: 1_000_000) == "100 %")
        #expect(Figures.percent(ppm: 333_333) == "33.3333 %")
        #expect(Figures.percent(ppm: 5) == "0.0005 %")
        #expect(Figures.percent(ppm: 0) == "0 %")
        #expect(Figures.thousandths(4_250) == "4.25")
        #expect(Figures.thousandths(5_000) == "5")
        #expect(Figures.thousandths(-1_005) == "-1.005")
        #expect(Figures.percent(ppm: Int64.min).hasPrefix("-"))
    }

    @Test("money with its currency's decimals, exactly; an unknown code as minor units")
    func money() {
        #expect(Figures.amount(minorUnits: 7_900, digits: 2) == "79.00")
        #expect(Figures.amount(minorUnits: 5, digits: 2) == "0.05")
        #expect(Figures.amount(minorUnits: -1_005, digits: 3) == "-1.005")
        #expect(Figures.amount(minorUnits: 8_116, digits: 0) == "8116")
        #expect(Figures.amount(minorUnits: Int64.min, digits: 2) == "-92233720368547758.08")
        #expect(
            CasePage.money(
                Money.with {
                    $0.minorUnits = 7_900; $0.currencyCode = "EUR"
                }) == "79.00 EUR")
        #expect(
            CasePage.money(
                Money.with {
                    $0.minorUnits = 1_234; $0.currencyCode = "BHD"
                }) == "1.234 BHD")
        #expect(
            CasePage.money(
                Money.with {
                    $0.minorUnits = 7; $0.currencyCode = "XXX"
                }) == "7 minor units XXX")
        #expect(CasePage.money(nil) == "-")
    }

    @Test("a refund's source is named by its case, never dumped")
    func refundSource() {
        #expect(CasePage.source(RefundSource.with { $0.kind = .returnID("RET-1") }) == "return RET-1")
        #expect(CasePage.source(RefundSource.with { $0.kind = .issueID("ISS-2") }) == "issue ISS-2")
        #expect(CasePage.source(RefundSource.with { $0.kind = .agentNote("goodwill") }) == "agent's decision: goodwill")
        #expect(CasePage.source(RefundSource()) == "-")
        #expect(CasePage.source(nil) == "-")
    }

    @Test("form fields: + is a space, %XX a byte, the first of a name wins, malformed ones are dropped")
    func formFields() {
        let fields = FormFields("a=1+2&b=%3Cb%3E&a=3&c=%ZZ&d=%E6%9D%B1&e=%FF&=x&f")
        #expect(fields["a"] == "1 2")
        #expect(fields["b"] == "<b>")
        #expect(fields["c"] == nil)
        #expect(fields["d"] == "東")
        #expect(fields["e"] == nil)
        #expect(fields["f"] == "")
        #expect(fields.text("f") == nil)
        #expect(FormFields(String(repeating: "k=v&", count: 1_000)).values.count == 1)
    }

    @Test("links encode their parts")
    func linkText() {
        #expect(URLText.component("a b/c?d") == "a%20b%2Fc%3Fd")
        #expect(URLText.query([("state", "resolved"), ("page", nil), ("x", "1&2")]) == "?state=resolved&x=1%262")
    }

    @Test("a period of whole UTC days; the default is the last 30 days up to today")
    func periods() throws {
        let today = try #require(ReportPeriod.parseDay("2026-11-30")).addingTimeInterval(37_000)
        let named = try ReportPeriod.parse(from: "2026-11-01", to: "2026-11-30", days: nil, today: today)
        #expect(named.days == 30)
        #expect(named.firstDay == "2026-11-01")
        #expect(named.lastDay == "2026-11-30")
        #expect(Figures.day(named.end) == "2026-12-01")
        let recent = try ReportPeriod.parse(from: nil, to: nil, days: nil, today: today)
        #expect(recent == named)
        let week = try ReportPeriod.parse(from: nil, to: nil, days: "7", today: today)
        #expect(week.firstDay == "2026-11-24")
    }

    @Test("steps cover the period without gaps, at most 15 of them")
    func steps() throws {
        let today = try #require(ReportPeriod.parseDay("2026-11-30"))
        for days in [1, 7, 14, 15, 16, 30, 90, 366] {
            let period = try ReportPeriod.parse(from: nil, to: nil, days: String(days), today: today)
            let steps = period.steps
            #expect(steps.count <= ReportPeriod.maximumSteps)
            #expect(steps.first?.start == period.start)
            #expect(steps.last?.end == period.end)
            for (left, right) in zip(steps, steps.dropFirst()) { #expect(left.end == right.start) }
        }
    }

    @Test("malformed, impossible, reversed or too long periods are refused")
    func badPeriods() {
        let today = Date(timeIntervalSince1970: 1_796_000_000)
        for (from, to, days) in [
            ("2026-13-01", nil, nil), ("2026-02-30", nil, nil), ("26-11-01", nil, nil),
            ("2026-11-01", "2026-10-01", nil),
            ("2024-01-01", "2026-01-01", nil), (nil, nil, "0"), (nil, nil, "367"), (nil, nil, "x"),
            ("２０２６-11-01", nil, nil),
        ] as [(String?, String?, String?)] {
            #expect(throws: PageError.self) { try ReportPeriod.parse(from: from, to: to, days: days, today: today) }
        }
    }
}
