import CommonAPI
import OversightAPI
import Runtime
import Wire

/// Outcome fairness for a period: favourable and refusal rates by region, order-value band and
/// account-age band from Oversight's GetReport, each flagged group highlighted with the rule that
/// flagged it; and support attitude per agent from GetAgentReport, outliers flagged.
struct FairnessPage {
    /// The period.
    var period: ReportPeriod
    /// The report's fairness part.
    var fairness: FairnessReport
    /// The per-agent report.
    var agents: AgentReport

    /// The dimensions' headings.
    static let dimensionTitles = [
        "region": "Region", "order_value_band": "Order value band", "account_age_band": "Account age band",
    ]

    /// Loads both reports as `viewer`.
    static func load(_ period: ReportPeriod, peers: ConsolePeers, viewer: Viewer) async throws
        -> FairnessPage
    {
        let (report, agents) = try await peers.call("oversight", as: viewer) { client in
            let oversight = Oversight.Client(client)
            async let report = oversight.getReport(
                GetReportRequest.with {
                    $0.from = Timestamp(period.start)
                    $0.to = Timestamp(period.end)
                })
            async let agents = oversight.getAgentReport(
                GetAgentReportRequest.with {
                    $0.from = Timestamp(period.start)
                    $0.to = Timestamp(period.end)
                })
            return try await (report, agents)
        }
        return FairnessPage(period: period, fairness: report.fairness ?? FairnessReport(), agents: agents)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let threshold = Figures.percent(ppm: fairness.thresholdPpm)
        let rule: HTML = """
            <div id="rule" class="notice"><p><strong>The rule.</strong> Within each dimension a group is flagged \
            <em>granted less often</em> when its favourable rate is below \(threshold) of the best-treated group's \
            rate (the four-fifths rule), and <em>refused more often</em> when the least-refused group's refusal rate \
            is below \(threshold) of the group's refusal rate and the two differ by at least \
            \(Figures.percent(ppm: fairness.minRefusalGapPpm)). A group with fewer than \(fairness.minGroupDecisions) \
            decisions is never flagged. Region, order value and account age are never inputs to a decision: \
            a flag means outcomes differ where they must not, and calls for an audit.</p></div>
            """
        let status: HTML =
            fairness.disparityFlagged
            ? #"<p id="disparity" class="flag" role="status">A disparity is flagged in this period.</p>"#
            : #"<p id="disparity" role="status">No group is flagged in this period.</p>"#
        let bands: HTML =
            fairness.valueBandCurrency.isEmpty
            ? "<p>Order values are banded in each order's own currency (no rate table could be had).</p>"
            : "<p>Order values are banded in \(fairness.valueBandCurrency), converted with rate table version \(fairness.rateTableVersion).</p>"
        let dimensions = fairness.dimensions.map { dimension -> HTML in
            let title = Self.dimensionTitles[dimension.dimension] ?? dimension.dimension
            let rows = dimension.groups.map { group -> HTML in
                let flags = [
                    group.grantedLessOften ? "granted less often" : nil,
                    group.refusedMoreOften ? "refused more often" : nil,
                ].compactMap { $0 }
                let rowClass: HTML = group.flagged ? #" class="flagged" data-flagged="true""# : ""
                let flagCell: HTML =
                    flags.isEmpty ? "-" : #"<span class="flag">Flagged: \#(flags.joined(separator: ", "))</span>"#
                return """
                    <tr data-group="\(group.group)"\(rowClass)><th scope="row">\(group.group)</th>\
                    <td class="number">\(group.decisions)</td><td class="number">\(group.favorable)</td>\
                    <td class="number">\(Figures.percent(ppm: group.ratePpm))</td>\
                    <td class="number">\(group.unfavorable)</td>\
                    <td class="number">\(Figures.percent(ppm: group.refusalRatePpm))</td><td>\(flagCell)</td></tr>
                    """
            }
            return """
                <section aria-labelledby="dimension-\(dimension.dimension)"><h2 id="dimension-\(dimension.dimension)">\(title)</h2>\
                <table data-dimension="\(dimension.dimension)"><caption>Outcomes by \(title.lowercased())</caption>\
                <thead><tr><th scope="col">Group</th><th scope="col">Decisions</th><th scope="col">Favourable</th>\
                <th scope="col">Favourable rate</th><th scope="col">Refusals</th><th scope="col">Refusal rate</th>\
                <th scope="col">Flag</th></tr></thead><tbody>\(rows)</tbody></table></section>
                """
        }
        let content: HTML = """
            \(PeriodPicker.render(period, path: "/fairness"))
            <p>\(fairness.decisions) decisions; overall favourable rate \(Figures.percent(ppm: fairness.overallRatePpm)), \
            refusal rate \(Figures.percent(ppm: fairness.overallRefusalRatePpm)).</p>
            \(status)\(rule)\(bands)\(dimensions)
            \(agentSection())
            """
        return Layout.page(title: "Fairness", viewer: viewer, section: .fairness, content: content)
    }

    /// Support attitude per agent.
    func agentSection() -> HTML {
        let rows = agents.agents.map { agent -> HTML in
            let figures = agent.figures ?? AttitudeFigures()
            let flags = [agent.slow ? "slow" : nil, agent.badlyRated ? "badly rated" : nil].compactMap { $0 }
            let rowClass: HTML = agent.flagged ? #" class="flagged" data-flagged="true""# : ""
            return """
                <tr data-agent="\(agent.agentID)"\(rowClass)><th scope="row">\(agent.agentID)</th>\
                <td>\(agent.teams.joined(separator: ", "))</td>\
                <td class="number">\(OverviewPage.duration(figures.firstResponse?.p50))</td>\
                <td class="number">\(figures.withinTarget) of \(figures.responses)</td>\
                <td class="number">\(figures.ratings == 0 ? "-" : Figures.thousandths(figures.meanScoreMilli)) (\(figures.ratings))</td>\
                <td class="number">\(figures.playbookDeviations) of \(figures.decisions)</td>\
                <td class="number">\(figures.complaints)</td>\
                <td>\(flags.isEmpty ? HTML("-") : HTML("<span class=\"flag\">Flagged: \(flags.joined(separator: ", "))</span>"))</td></tr>
                """
        }
        let target = agents.responseTarget.map { Figures.humanDuration(seconds: $0.seconds) } ?? "-"
        return """
            <section aria-labelledby="agents-heading"><h2 id="agents-heading">Per agent</h2>\
            <p>An agent with at least \(agents.minResponses) responses is flagged <em>slow</em> when the median \
            agent's median response time is below four fifths of theirs; with at least \(agents.minRatings) ratings, \
            <em>badly rated</em> when their mean score is below four fifths of the median agent's. Response target: \(target).</p>\
            \(rows.isEmpty ? HTML("<p>No agent responded, decided or resolved in this period.</p>") : HTML("""
            <table id="agents"><caption>Support attitude per agent</caption><thead><tr><th scope="col">Agent</th>\
            <th scope="col">Teams</th><th scope="col">First response p50</th><th scope="col">Within target</th>\
            <th scope="col">Mean score (ratings)</th><th scope="col">Playbook deviations</th>\
            <th scope="col">Complaints</th><th scope="col">Flag</th></tr></thead><tbody>\(rows)</tbody></table>
            """))</section>
            """
    }
}
