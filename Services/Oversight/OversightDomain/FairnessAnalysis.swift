/// Outcome rates by group, with disparities flagged by the four-fifths rule: a group with enough
/// decisions to judge (``minimumDecisions``) is flagged when its favorable rate is below
/// ``thresholdPPM`` parts per million (80%) of the best-treated group's rate in the same dimension.
/// Comparing with the best group rather than the overall rate flags the disadvantaged group only:
/// one badly treated group pulls the overall rate down, which would make every other group look
/// "different" too.
public struct FairnessAnalysis: Sendable, Hashable {
    /// One group's outcomes.
    public struct Group: Sendable, Hashable {
        /// The group, such as "EU" or "<50".
        public var name: String
        /// Decisions in the group.
        public var decisions: Int64
        /// Favorable ones.
        public var favorable: Int64
        /// favorable / decisions in ppm.
        public var ratePPM: Int64
        /// Whether the rate is a flagged disparity.
        public var flagged: Bool
    }

    /// One dimension (region, order value band, account age band) and its groups.
    public struct Dimension: Sendable, Hashable {
        /// "region", "order_value_band" or "account_age_band".
        public var name: String
        /// Its groups, by name.
        public var groups: [Group]
    }

    /// Largest allowed gap from the overall rate.
    public static let thresholdPPM: Int64 = 800_000
    /// Fewest decisions a group needs before it is judged.
    public static let minimumDecisions: Int64 = 30

    /// Overall favorable rate in ppm.
    public var overallPPM: Int64
    /// All decisions.
    public var decisions: Int64
    /// The dimensions.
    public var dimensions: [Dimension]
    /// Whether any group is flagged.
    public var disparityFlagged: Bool { dimensions.contains { $0.groups.contains(where: \.flagged) } }

    /// The analysis of decision counts: per dimension, per group, (decisions, favorable).
    public init(counts: [String: [String: (decisions: Int64, favorable: Int64)]]) {
        var total: Int64 = 0
        var favorable: Int64 = 0
        for (_, group) in counts["region"] ?? [:] {
            total += group.decisions
            favorable += group.favorable
        }
        decisions = total
        let overall = total == 0 ? 0 : favorable * 1_000_000 / total
        overallPPM = overall
        dimensions = ["region", "order_value_band", "account_age_band"].map { name in
            let tallies = counts[name] ?? [:]
            func rate(_ tally: (decisions: Int64, favorable: Int64)) -> Int64 {
                tally.decisions == 0 ? 0 : tally.favorable * 1_000_000 / tally.decisions
            }
            let best = tallies.values.filter { $0.decisions >= Self.minimumDecisions }.map(rate).max() ?? 0
            let groups = tallies.map { group, tally in
                Group(
                    name: group, decisions: tally.decisions, favorable: tally.favorable, ratePPM: rate(tally),
                    flagged: tally.decisions >= Self.minimumDecisions
                        && rate(tally) * 1_000_000 < best * Self.thresholdPPM)
            }
            return Dimension(name: name, groups: groups.sorted { $0.name < $1.name })
        }
    }
}
