import CommonAPI
import OversightAPI
import Runtime
import Wire

/// The overview: satisfaction (the primary measure), first-response and resolution percentiles,
/// refund SLA compliance, standardization and the top issue categories of a period, each as an
/// SVG chart over the period's steps with the same numbers in a table. Built from Oversight's
/// GetReport: once for the whole period and once per step.
struct OverviewPage {
    /// The period.
    var period: ReportPeriod
    /// GetReport for the whole period.
    var total: Report
    /// GetReport for each step of the period, in order.
    var steps: [(period: ReportPeriod, report: Report)]

    /// Loads the reports as `viewer`.
    static func load(_ period: ReportPeriod, peers: ConsolePeers, viewer: Viewer) async throws
        -> OverviewPage
    {
        let reports = try await peers.call("oversight", as: viewer) { client in
            let oversight = Oversight.Client(client)
            return try await withThrowingTaskGroup(of: (Int, Report).self) { group in
                let periods = [period] + period.steps
                for (index, part) in periods.enumerated() {
                    group.addTask {
                        let report = try await oversight.getReport(
                            GetReportRequest.with {
                                $0.from = Timestamp(part.start)
                                $0.to = Timestamp(part.end)
                            })
                        return (index, report)
                    }
                }
                var byIndex: [Int: Report] = [:]
                for try await (index, report) in group { byIndex[index] = report }
                return (0...period.steps.count).map { byIndex[$0] ?? Report() }
            }
        }
        return OverviewPage(
            period: period, total: reports[0], steps: Array(zip(period.steps, reports.dropFirst())))
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let labels = steps.map { String($0.period.firstDay.dropFirst(5)) }
        let satisfaction = total.satisfaction ?? Satisfaction()
        let firstResponse = total.firstResponse ?? DurationPercentiles()
        let resolution = total.resolution ?? DurationPercentiles()
        let sla = total.refundSla ?? RefundSla()

        let headline: HTML = """
            <ul class="figures" aria-label="Headline figures">\
            <li><span class="value">\(satisfaction.ratings == 0 ? "-" : Figures.thousandths(satisfaction.meanScoreMilli))</span> \
            satisfaction, mean of 5 (\(satisfaction.ratings) ratings)</li>\
            <li><span class="value">\(Figures.humanDuration(seconds: firstResponse.p50?.seconds ?? 0))</span> median first response</li>\
            <li><span class="value">\(Figures.humanDuration(seconds: resolution.p50?.seconds ?? 0))</span> median resolution</li>\
            <li><span class="value">\(sla.refunds == 0 ? "-" : Figures.percent(ppm: sla.compliancePpm))</span> refunds within SLA</li>\
            <li><span class="value">\(total.decisions == 0 ? "-" : Figures.percent(ppm: total.standardizationPpm))</span> standardized decisions</li>\
            </ul>
            """

        let summaryRows: [(String, String, String)] = [
            ("events", "Events recorded", "\(total.events)"),
            ("ratings", "Ratings", "\(satisfaction.ratings)"),
            ("satisfaction_mean", "Satisfaction, mean score of 5", Figures.thousandths(satisfaction.meanScoreMilli)),
            (
                "satisfaction_distribution", "Ratings by score 1 / 2 / 3 / 4 / 5",
                (0..<5).map { "\($0 < satisfaction.distribution.count ? satisfaction.distribution[$0] : 0)" }
                    .joined(separator: " / ")
            ),
            ("first_response_count", "Cases with a first response", "\(firstResponse.count)"),
            ("first_response_p50", "First response, median", Self.duration(firstResponse.p50)),
            ("first_response_p90", "First response, 90th percentile", Self.duration(firstResponse.p90)),
            ("first_response_p99", "First response, 99th percentile", Self.duration(firstResponse.p99)),
            ("resolution_count", "Cases resolved", "\(resolution.count)"),
            ("resolution_p50", "Resolution, median", Self.duration(resolution.p50)),
            ("resolution_p90", "Resolution, 90th percentile", Self.duration(resolution.p90)),
            ("resolution_p99", "Resolution, 99th percentile", Self.duration(resolution.p99)),
            ("refund_sla_refunds", "Refunds due or finished", "\(sla.refunds)"),
            ("refund_sla_on_time", "Refunds completed by expected_by", "\(sla.onTime)"),
            ("refund_sla_breached", "Refunds past expected_by (SLA breaches)", "\(sla.breached)"),
            ("refund_sla_compliance", "Refund SLA compliance", Figures.percent(ppm: sla.compliancePpm)),
            ("decisions", "Decisions", "\(total.decisions)"),
            (
                "standardization", "Standardization (decisions that followed the playbook)",
                Figures.percent(ppm: total.standardizationPpm)
            ),
        ]
        let summary = summaryRows.map { id, label, value -> HTML in
            #"<tr data-metric="\#(id)"><th scope="row">\#(label)</th><td class="number">\#(value)</td></tr>"#
        }

        let satisfactionChart = LineChart(
            id: "chart-satisfaction", title: "Satisfaction over time (mean score of 5)", unit: "of 5", labels: labels,
            series: [
                ChartSeries(
                    name: "mean score",
                    values: steps.map { step in
                        let figures = step.report.satisfaction ?? Satisfaction()
                        return figures.ratings == 0 ? nil : Double(figures.meanScoreMilli) / 1_000
                    })
            ], ceiling: 5)
        let timesChart = LineChart(
            id: "chart-times", title: "First response and resolution over time (hours)", unit: "hours", labels: labels,
            series: [
                ChartSeries(
                    name: "first response p50", values: steps.map { Self.hours($0.report.firstResponse, \.p50) }),
                ChartSeries(
                    name: "first response p90", values: steps.map { Self.hours($0.report.firstResponse, \.p90) }),
                ChartSeries(name: "resolution p50", values: steps.map { Self.hours($0.report.resolution, \.p50) }),
                ChartSeries(name: "resolution p90", values: steps.map { Self.hours($0.report.resolution, \.p90) }),
            ])
        let complianceChart = LineChart(
            id: "chart-compliance", title: "Refund SLA compliance and standardization over time (%)", unit: "%",
            labels: labels,
            series: [
                ChartSeries(
                    name: "refund SLA compliance",
                    values: steps.map { step in
                        let sla = step.report.refundSla ?? RefundSla()
                        return sla.refunds == 0 ? nil : Double(sla.compliancePpm) / 10_000
                    }),
                ChartSeries(
                    name: "standardization",
                    values: steps.map {
                        $0.report.decisions == 0 ? nil : Double($0.report.standardizationPpm) / 10_000
                    }),
            ], ceiling: 100)
        let stepRows = steps.map { step -> HTML in
            let report = step.report
            let satisfaction = report.satisfaction ?? Satisfaction()
            let sla = report.refundSla ?? RefundSla()
            return """
                <tr><th scope="row">\(step.period.label)</th>\
                <td class="number">\(satisfaction.ratings == 0 ? "-" : Figures.thousandths(satisfaction.meanScoreMilli))</td>\
                <td class="number">\(satisfaction.ratings)</td>\
                <td class="number">\(Self.measured(report.firstResponse, \.p50))</td>\
                <td class="number">\(Self.measured(report.firstResponse, \.p90))</td>\
                <td class="number">\(Self.measured(report.resolution, \.p50))</td>\
                <td class="number">\(Self.measured(report.resolution, \.p90))</td>\
                <td class="number">\(sla.refunds == 0 ? "-" : Figures.percent(ppm: sla.compliancePpm))</td>\
                <td class="number">\(report.decisions == 0 ? "-" : Figures.percent(ppm: report.standardizationPpm))</td></tr>
                """
        }
        let categories = total.topCategories.map { ($0.category, Double($0.count)) }
        let categoryRows = total.topCategories.map { category -> HTML in
            #"<tr data-category="\#(category.category)"><th scope="row">\#(category.category)</th><td class="number">\#(category.count)</td></tr>"#
        }
        let categoryTable: HTML =
            categoryRows.isEmpty
            ? "<p>No cases were opened in this period.</p>"
            : """
            <table id="categories"><caption>Top issue categories</caption>\
            <thead><tr><th scope="col">Category</th><th scope="col">Cases opened</th></tr></thead>\
            <tbody>\(categoryRows)</tbody></table>
            """

        let content: HTML = """
            \(PeriodPicker.render(period, path: "/overview"))
            \(headline)
            <section aria-labelledby="trend-heading"><h2 id="trend-heading">Over time</h2>
            <div class="charts">\(satisfactionChart.figure())\(timesChart.figure())\(complianceChart.figure())</div>
            <table id="steps"><caption>The same figures per step of the period</caption>\
            <thead><tr><th scope="col">Days</th><th scope="col">Mean score</th><th scope="col">Ratings</th>\
            <th scope="col">First response p50</th><th scope="col">First response p90</th>\
            <th scope="col">Resolution p50</th><th scope="col">Resolution p90</th>\
            <th scope="col">Refund SLA compliance</th><th scope="col">Standardization</th></tr></thead>\
            <tbody>\(stepRows)</tbody></table></section>
            <section aria-labelledby="summary-heading"><h2 id="summary-heading">Figures for the period</h2>
            <table id="summary"><caption>GetReport for the whole period</caption>\
            <thead><tr><th scope="col">Figure</th><th scope="col">Value</th></tr></thead>\
            <tbody>\(summary)</tbody></table></section>
            <section aria-labelledby="categories-heading"><h2 id="categories-heading">Top issue categories</h2>
            \(BarChart(id: "chart-categories", title: "Top issue categories (cases opened)", bars: categories).figure())
            \(categoryTable)</section>
            """
        return Layout.page(title: "Overview", viewer: viewer, section: .overview, content: content)
    }

    /// A duration as whole seconds, with a human reading: "3725 s (1 h 2 min)".
    static func duration(_ duration: ProtoDuration?) -> String {
        let seconds = duration?.seconds ?? 0
        return "\(seconds) s (\(Figures.humanDuration(seconds: seconds)))"
    }

    /// A percentile as ``duration(_:)`` writes it, or "-" when nothing was measured.
    static func measured(
        _ percentiles: DurationPercentiles?, _ path: KeyPath<DurationPercentiles, ProtoDuration?>
    ) -> String {
        guard let percentiles, percentiles.count > 0 else { return "-" }
        return duration(percentiles[keyPath: path])
    }

    /// A percentile in hours, nil when nothing was measured.
    static func hours(_ percentiles: DurationPercentiles?, _ path: KeyPath<DurationPercentiles, ProtoDuration?>)
        -> Double?
    {
        guard let percentiles, percentiles.count > 0 else { return nil }
        return Double(percentiles[keyPath: path]?.seconds ?? 0) / 3_600
    }
}
