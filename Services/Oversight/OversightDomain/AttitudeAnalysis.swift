import Foundation

/// Support attitude per agent and per team, from each case's steps in order: first-response,
/// next-response and resolution times (percentiles), the share of responses within
/// ``responseTarget``, satisfaction, playbook deviations and complaints, with outliers flagged.
///
/// The clocks: support's clock runs from the case's opening, and from each customer message that
/// finds it stopped, until an agent's reply (a response of that agent: the first of the case, or
/// a next one). While the case waits on the customer (after a reply) and once it is resolved, no
/// clock runs. A resolution's time is the time support's clock ran from opening to resolution,
/// credited to the agent who resolved it (or who answered last). Ratings and complaints of a case
/// go to the agent who answered it last.
///
/// An agent with at least ``minimumResponses`` responses is flagged, like fairness flags groups,
/// against the team's median agent: slow when the median agent's response median is below four
/// fifths of theirs; badly rated when their mean score (with at least ``minimumRatings``) is below
/// four fifths of the median agent's.
public struct AttitudeAnalysis: Sendable, Hashable {
    /// One thing that happened in a case, in order.
    public enum Step: Sendable, Hashable {
        /// The case was opened: support's clock starts.
        case opened(at: Date)
        /// The customer wrote: support's clock starts if it was stopped.
        case customerMessage(at: Date)
        /// An agent replied: a response; the case now waits on the customer.
        case agentMessage(agent: String, at: Date)
        /// A decision by an agent, following the playbook or not.
        case decision(agent: String, followedPlaybook: Bool)
        /// The case was resolved (by `agent`, when an agent did): clocks stop.
        case resolved(agent: String?, at: Date)
    }

    /// One agent's (or team's) figures.
    public struct Figures: Sendable, Hashable {
        /// First responses, in seconds.
        public var firstResponses: [Double] = []
        /// Next responses, in seconds.
        public var nextResponses: [Double] = []
        /// Resolutions, in seconds of support time.
        public var resolutions: [Double] = []
        /// Ratings (1 to 5).
        public var scores: [Int] = []
        /// Decisions made.
        public var decisions: Int64 = 0
        /// Of those, not the playbook's.
        public var deviations: Int64 = 0
        /// Complaints about cases answered last by the agent.
        public var complaints: Int64 = 0
        /// Slow against the median agent.
        public var slow = false
        /// Rated low against the median agent.
        public var badlyRated = false

        /// Every response, first and next.
        public var responses: [Double] { firstResponses + nextResponses }
        /// Responses within ``AttitudeAnalysis/responseTarget``.
        public var withinTarget: Int { responses.filter { $0 <= AttitudeAnalysis.responseTarget }.count }
        /// Mean score in thousandths; 0 without ratings.
        public var meanScoreMilli: Int64 {
            scores.isEmpty ? 0 : Int64(scores.reduce(0, +)) * 1_000 / Int64(scores.count)
        }
        /// Whether either flag is set.
        public var flagged: Bool { slow || badlyRated }

        /// Adds another agent's figures (for a team).
        mutating func add(_ other: Figures) {
            firstResponses += other.firstResponses
            nextResponses += other.nextResponses
            resolutions += other.resolutions
            scores += other.scores
            decisions += other.decisions
            deviations += other.deviations
            complaints += other.complaints
        }
    }

    /// The response time target, in seconds (one hour).
    public static let responseTarget: Double = 3_600
    /// Fewest responses an agent needs before being judged.
    public static let minimumResponses = 10
    /// Fewest ratings before satisfaction is judged.
    public static let minimumRatings = 5
    /// The four-fifths threshold, in ppm.
    public static let thresholdPPM: Int64 = 800_000

    /// Figures by agent id.
    public var agents: [String: Figures] = [:]
    /// Figures by team (the sum of its agents').
    public var teams: [String: Figures] = [:]

    /// The analysis of `cases` (each case's steps, in order), with each case's ratings and
    /// complaint count, and each agent's teams.
    public init(cases: [String: [Step]], ratings: [String: [Int]], complaints: [String: Int], teams: [String: [String]])
    {
        for (caseKey, steps) in cases {
            let lastAgent = Self.walk(steps, into: &agents)
            if let lastAgent {
                agents[lastAgent, default: Figures()].scores += ratings[caseKey] ?? []
                agents[lastAgent, default: Figures()].complaints += Int64(complaints[caseKey] ?? 0)
            }
        }
        flagOutliers()
        for (agent, figures) in agents {
            for team in teams[agent] ?? ["unassigned"] { self.teams[team, default: Figures()].add(figures) }
        }
    }

    /// Runs the clocks over one case's steps; returns the agent who answered last.
    private static func walk(_ steps: [Step], into agents: inout [String: Figures]) -> String? {
        var clockStart: Date?
        var supportTime: Double = 0
        var answered = false
        var resolved = false
        var lastAgent: String?
        for step in steps {
            switch step {
            case .opened(let at):
                clockStart = at
            case .customerMessage(let at):
                if clockStart == nil, !resolved { clockStart = at }
            case .agentMessage(let agent, let at):
                lastAgent = agent
                guard let start = clockStart, !resolved else { continue }
                let seconds = max(0, at.timeIntervalSince(start))
                if answered {
                    agents[agent, default: Figures()].nextResponses.append(seconds)
                } else {
                    agents[agent, default: Figures()].firstResponses.append(seconds)
                }
                answered = true
                supportTime += seconds
                clockStart = nil
            case .decision(let agent, let followed):
                agents[agent, default: Figures()].decisions += 1
                if !followed { agents[agent, default: Figures()].deviations += 1 }
            case .resolved(let agent, let at):
                guard !resolved else { continue }
                if let start = clockStart { supportTime += max(0, at.timeIntervalSince(start)) }
                clockStart = nil
                resolved = true
                if let owner = agent ?? lastAgent {
                    agents[owner, default: Figures()].resolutions.append(supportTime)
                    lastAgent = owner
                }
            }
        }
        return lastAgent
    }

    /// Flags agents slow or badly rated against the median judged agent.
    private mutating func flagOutliers() {
        let judged = agents.filter { $0.value.responses.count >= Self.minimumResponses }
        let medians = judged.mapValues { Percentiles($0.responses).p50 }
        let medianSpeed = Self.median(Array(medians.values))
        let rated = judged.filter { $0.value.scores.count >= Self.minimumRatings }
        let medianScore = Self.median(rated.values.map { Double($0.meanScoreMilli) })
        for (agent, speed) in medians {
            // Slow: the median agent's time is below four fifths of this agent's.
            agents[agent]?.slow = medianSpeed * 1_000_000 < speed * Double(Self.thresholdPPM)
        }
        for (agent, figures) in rated {
            agents[agent]?.badlyRated =
                Double(figures.meanScoreMilli) * 1_000_000 < medianScore * Double(Self.thresholdPPM)
        }
    }

    private static func median(_ values: [Double]) -> Double {
        Percentiles(values).p50
    }
}
