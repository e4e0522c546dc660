import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// Computes the service report for a period from the report facts filed at ingestion: each
/// figure is one aggregate query over a covering index. With the official rate table in force
/// (`rates`), order values are banded in its base currency (``FairnessBands/valueLimits(in:rates:)``);
/// without it, in each order's own currency's major units.
struct ReportQuery {
    /// The connection (a read snapshot), SQLite or PostgreSQL.
    let db: any SQLConnection
    /// The official rate table in force, if Inquiries gave one.
    var rates: PublishedRates? = nil

    /// The report for events that occurred in [from, to).
    func report(from: Date, to: Date) throws -> Report {
        let range: [any SQLBindable] = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        var report = Report()
        report.from = Timestamp(from)
        report.to = Timestamp(to)
        report.events = Int64(
            try db.fetchCount("SELECT COUNT(*) FROM event_facts WHERE occurred_at >= ? AND occurred_at < ?", range))
        try fillDecisions(&report, range)
        report.firstResponse = try percentiles(
            sql: """
                SELECT first_response_at - opened_at FROM cases
                WHERE opened_at >= ? AND opened_at < ? AND first_response_at IS NOT NULL
                """, range)
        report.resolution = try percentiles(
            sql: """
                SELECT resolved_at - opened_at FROM cases
                WHERE opened_at >= ? AND opened_at < ? AND resolved_at IS NOT NULL
                """, range)
        report.refundSla = try refundSLA(range, now: min(to, Date()))
        report.satisfaction = try satisfaction(range)
        report.topCategories = try db.fetchRows(
            """
            SELECT category, COUNT(*) AS count FROM event_facts
            WHERE kind = ? AND occurred_at >= ? AND occurred_at < ? AND category != ''
            GROUP BY category ORDER BY count DESC, category LIMIT 10
            """,
            [Int64(EventKind.caseOpened.rawValue)] + range
        ).map { row in
            let (category, count) = (try row.string(0), try row.int64(1))
            return CategoryCount.with {
                $0.category = category
                $0.count = count
            }
        }
        return report
    }

    private func fillDecisions(_ report: inout Report, _ range: [any SQLBindable]) throws {
        var counts: [String: [String: (decisions: Int64, favorable: Int64)]] = [:]
        var decisions: Int64 = 0
        var followed: Int64 = 0
        let (band, bandArguments) = valueBandExpression()
        // The sums are cast back to BIGINT: PostgreSQL sums BIGINTs as NUMERIC.
        let rows = try db.fetchRows(
            """
            SELECT region, \(band) AS value_group, age_band, COUNT(*) AS n, CAST(SUM(favorable) AS BIGINT) AS f,
                CAST(SUM(followed) AS BIGINT) AS p
            FROM event_facts WHERE kind = ? AND occurred_at >= ? AND occurred_at < ?
            GROUP BY region, value_group, age_band
            """,
            bandArguments + [Int64(EventKind.decision.rawValue)] + range)
        for row in rows {
            let n = try row.int64(3)
            let f = try row.int64(4)
            decisions += n
            followed += try row.int64(5)
            for (dimension, column) in [("region", 0), ("order_value_band", 1), ("account_age_band", 2)] {
                let group = try row.string(column)
                let tally = counts[dimension, default: [:]][group, default: (0, 0)]
                counts[dimension, default: [:]][group] = (tally.decisions + n, tally.favorable + f)
            }
        }
        report.decisions = decisions
        report.standardizationPpm = decisions == 0 ? 0 : followed * 1_000_000 / decisions
        let analysis = FairnessAnalysis(counts: counts)
        report.fairness = FairnessReport.with {
            $0.overallRatePpm = analysis.overallPPM
            $0.decisions = analysis.decisions
            $0.thresholdPpm = FairnessAnalysis.thresholdPPM
            $0.minGroupDecisions = FairnessAnalysis.minimumDecisions
            $0.disparityFlagged = analysis.disparityFlagged
            $0.overallRefusalRatePpm = analysis.overallRefusalPPM
            $0.minRefusalGapPpm = FairnessAnalysis.minimumGapPPM
            $0.valueBandCurrency = rates?.base ?? ""
            $0.rateTableVersion = rates?.version ?? 0
            $0.dimensions = analysis.dimensions.map { dimension in
                FairnessDimension.with {
                    $0.dimension = dimension.name
                    $0.groups = dimension.groups.map { group in
                        GroupOutcome.with {
                            $0.group = group.name
                            $0.decisions = group.decisions
                            $0.favorable = group.favorable
                            $0.ratePpm = group.ratePPM
                            $0.flagged = group.flagged
                            $0.unfavorable = group.unfavorable
                            $0.refusalRatePpm = group.refusalRatePPM
                            $0.grantedLessOften = group.grantedLessOften
                            $0.refusedMoreOften = group.refusedMoreOften
                        }
                    }
                }
            }
        }
    }

    /// The SQL naming each decision's value band, with its arguments: with a rate table, one
    /// branch per currency of the table comparing the recorded minor units with the band limits
    /// converted into that currency ("unknown" for a currency the table lacks or no value); without
    /// one, the band filed at ingestion.
    private func valueBandExpression() -> (String, [any SQLBindable]) {
        guard let rates else { return ("value_band", []) }
        let names = FairnessBands.valueBandNames(in: rates.base)
        var sql = "CASE WHEN value_minor IS NULL THEN 'unknown'"
        var arguments: [any SQLBindable] = []
        for currency in rates.entries.keys.sorted() {
            guard let limits = FairnessBands.valueLimits(in: currency, rates: rates) else { continue }
            sql += " WHEN currency = ? THEN CASE"
            arguments += [currency]
            for (limit, name) in zip(limits, names) {
                sql += " WHEN value_minor < ? THEN ?"
                arguments += [limit, name] as [any SQLBindable]
            }
            sql += " ELSE ? END"
            arguments += [names[names.count - 1]]
        }
        return (sql + " ELSE 'unknown' END", arguments)
    }

    private func percentiles(sql: String, _ range: [any SQLBindable]) throws -> DurationPercentiles {
        let values = try db.fetchRows(sql, range).map { try $0.double(0) }
        let result = Percentiles(values)
        return DurationPercentiles.with {
            $0.count = Int64(result.count)
            $0.p50 = Self.duration(result.p50)
            $0.p90 = Self.duration(result.p90)
            $0.p99 = Self.duration(result.p99)
        }
    }

    private func refundSLA(_ range: [any SQLBindable], now: Date) throws -> RefundSla {
        let row = try db.fetchOne(
            """
            SELECT COUNT(*) AS refunds,
                CAST(COALESCE(SUM(CASE WHEN completed = 1 AND breached = 0 AND finished_at <= expected_by
                    THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time,
                CAST(COALESCE(SUM(CASE WHEN breached = 1 OR (completed = 1 AND finished_at > expected_by)
                    OR (finished_at IS NULL AND expected_by < ?) THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
            FROM refund_sla WHERE approved_at >= ? AND approved_at < ?
            """,
            [now.timeIntervalSince1970] + range)
        let refunds = try row?.int64(0) ?? 0
        let onTime = try row?.int64(1) ?? 0
        let late = try row?.int64(2) ?? 0
        return RefundSla.with {
            $0.refunds = refunds
            $0.onTime = onTime
            $0.breached = late
            $0.compliancePpm = onTime + late == 0 ? 1_000_000 : onTime * 1_000_000 / (onTime + late)
        }
    }

    private func satisfaction(_ range: [any SQLBindable]) throws -> Satisfaction {
        var distribution = [Int64](repeating: 0, count: 5)
        var total: Int64 = 0
        var sum: Int64 = 0
        for row in try db.fetchRows(
            "SELECT score, COUNT(*) AS n FROM ratings WHERE rated_at >= ? AND rated_at < ? GROUP BY score", range)
        {
            let score = try row.int(0)
            let n = try row.int64(1)
            guard (1...5).contains(score) else { continue }
            distribution[score - 1] = n
            total += n
            sum += Int64(score) * n
        }
        return Satisfaction.with {
            $0.ratings = total
            $0.meanScoreMilli = total == 0 ? 0 : sum * 1_000 / total
            $0.distribution = distribution
        }
    }

    static func duration(_ seconds: Double) -> ProtoDuration {
        let whole = seconds.rounded(.down)
        return ProtoDuration(
            seconds: Int64(whole), nanos: Int32(min(999_999_999, ((seconds - whole) * 1_000_000_000).rounded())))
    }
}
