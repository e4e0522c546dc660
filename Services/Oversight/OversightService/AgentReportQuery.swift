import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Storage
import Wire

/// Computes the support-attitude report for a period: each case's events of the period in log
/// order become the steps ``OversightDomain/AttitudeAnalysis`` runs its clocks over, with the
/// cases' ratings and complaints and the staff roster's teams. It decodes the period's events, so
/// it costs more per event than the aggregate report; ask for the period you need.
struct AgentReportQuery {
    /// The connection (a read snapshot), SQLite or PostgreSQL.
    let db: any SQLConnection

    /// The report for events that occurred in [from, to).
    func report(from: Date, to: Date) throws -> AgentReport {
        let range: [any SQLBindable] = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        var cases: [String: [AttitudeAnalysis.Step]] = [:]
        let events = try db.fetchRows(
            """
            SELECT audit_log.event FROM event_facts JOIN audit_log USING (sequence)
            WHERE event_facts.occurred_at >= ? AND event_facts.occurred_at < ? ORDER BY sequence
            """,
            range)
        for row in events {
            let event = try Event(serializedBytes: row.bytes(0))
            guard let step = Self.step(event) else { continue }
            cases["\(event.aggregateType)/\(event.aggregateID)", default: []].append(step)
        }
        var ratings: [String: [Int]] = [:]
        for row in try db.fetchRows("SELECT case_key, score FROM ratings WHERE rated_at >= ? AND rated_at < ?", range) {
            ratings[try row.string(0), default: []].append(try row.int(1))
        }
        var complaints: [String: Int] = [:]
        for row in try db.fetchRows(
            "SELECT related_case FROM complaints WHERE filed_at >= ? AND filed_at < ? AND related_case != ''", range)
        {
            complaints[try row.string(0), default: 0] += 1
        }
        var teams: [String: [String]] = [:]
        for row in try db.fetchRows("SELECT staff_id, team FROM staff_teams ORDER BY staff_id, position") {
            teams[try row.string(0), default: []].append(try row.string(1))
        }
        let analysis = AttitudeAnalysis(cases: cases, ratings: ratings, complaints: complaints, teams: teams)
        return AgentReport.with {
            $0.from = Timestamp(from)
            $0.to = Timestamp(to)
            $0.agents = analysis.agents.keys.sorted().compactMap { agent in
                analysis.agents[agent].map { figures in
                    AgentAttitude.with {
                        $0.agentID = agent
                        $0.teams = teams[agent] ?? ["unassigned"]
                        $0.figures = Self.wire(figures)
                        $0.slow = figures.slow
                        $0.badlyRated = figures.badlyRated
                        $0.flagged = figures.flagged
                    }
                }
            }
            $0.teams = analysis.teams.keys.sorted().compactMap { team in
                analysis.teams[team].map { figures in
                    TeamAttitude.with {
                        $0.team = team
                        $0.figures = Self.wire(figures)
                        $0.flaggedAgents = analysis.agents.filter {
                            $0.value.flagged && (teams[$0.key] ?? ["unassigned"]).contains(team)
                        }.keys.sorted()
                    }
                }
            }
            $0.responseTarget = ReportQuery.duration(AttitudeAnalysis.responseTarget)
            $0.minResponses = Int64(AttitudeAnalysis.minimumResponses)
            $0.minRatings = Int64(AttitudeAnalysis.minimumRatings)
        }
    }

    /// What an event means for the clocks, if anything: openings, customer and agent messages,
    /// agents' decisions and resolutions.
    static func step(_ event: Event) -> AttitudeAnalysis.Step? {
        let at = event.occurredAt?.date ?? Date(timeIntervalSince1970: 0)
        let actor = event.actor
        switch event.kind {
        case .caseOpened: return .opened(at: at)
        case .caseResolved: return .resolved(agent: actor?.role == .agent ? actor?.subject : nil, at: at)
        case .message:
            switch actor?.role {
            case .customer: return .customerMessage(at: at)
            case .agent: return .agentMessage(agent: actor?.subject ?? "", at: at)
            default: return nil
            }
        case .decision:
            guard actor?.role == .agent, let decision = event.decision else { return nil }
            return .decision(agent: actor?.subject ?? "", followedPlaybook: decision.followedPlaybook)
        default: return nil
        }
    }

    private static func wire(_ figures: AttitudeAnalysis.Figures) -> AttitudeFigures {
        func percentiles(_ values: [Double]) -> DurationPercentiles {
            let result = Percentiles(values)
            return DurationPercentiles.with {
                $0.count = Int64(result.count)
                $0.p50 = ReportQuery.duration(result.p50)
                $0.p90 = ReportQuery.duration(result.p90)
                $0.p99 = ReportQuery.duration(result.p99)
            }
        }
        let responses = Int64(figures.responses.count)
        return AttitudeFigures.with {
            $0.firstResponse = percentiles(figures.firstResponses)
            $0.nextResponse = percentiles(figures.nextResponses)
            $0.resolution = percentiles(figures.resolutions)
            $0.responses = responses
            $0.withinTarget = Int64(figures.withinTarget)
            $0.withinTargetPpm = responses == 0 ? 0 : Int64(figures.withinTarget) * 1_000_000 / responses
            $0.ratings = Int64(figures.scores.count)
            $0.meanScoreMilli = figures.meanScoreMilli
            $0.decisions = figures.decisions
            $0.playbookDeviations = figures.deviations
            $0.complaints = figures.complaints
        }
    }
}
