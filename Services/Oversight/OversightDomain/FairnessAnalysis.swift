/// Outcome rates by group, in both directions, with disparities flagged by the four-fifths rule.
/// A group with enough decisions to judge (``minimumDecisions``) is flagged when
/// - it is granted less often: its favorable rate is below ``thresholdPPM`` (80%) of the
///   best-treated group's favorable rate in the same dimension; or
/// - it is refused more often: the least-refused group's refusal rate is below ``thresholdPPM`` of
///   its refusal rate, and its refusal rate exceeds that group's by at least ``minimumGapPPM``
///   (a few refusals among many grants are not a disparity by ratio alone). When refusals are
///   rare, grant rates barely differ (95% against 90% passes the four-fifths test) while one group
///   is refused twice as often: only the refusal test sees it.
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
        /// Unfavorable ones (refusals).
        public var unfavorable: Int64 { decisions - favorable }
        /// unfavorable / decisions in ppm.
        public var refusalRatePPM: Int64
        /// Whether it is granted less often than the best-treated group, past the threshold.
        public var grantedLessOften: Bool
        /// Whether it is refused more often than the least-refused group, past the threshold.
        public var refusedMoreOften: Bool
        /// Whether the rate is a flagged disparity in either direction.
        public var flagged: Bool { grantedLessOften || refusedMoreOften }
    }

    /// One dimension (region, order value band, account age band) and its groups.
    public struct Dimension: Sendable, Hashable {
        /// "region", "order_value_band" or "account_age_band".
        public var name: String
        /// Its groups, by name.
        public var groups: [Group]
    }

    /// The four-fifths threshold, in ppm.
    public static let thresholdPPM: Int64 = 800_000
    /// Fewest decisions a group needs before it is judged.
    public static let minimumDecisions: Int64 = 30
    /// Smallest refusal-rate gap (in ppm, 5 percentage points) that can flag a group refused more often.
    public static let minimumGapPPM: Int64 = 50_000

    /// Overall favorable rate in ppm.
    public var overallPPM: Int64
    /// Overall refusal rate in ppm.
    public var overallRefusalPPM: Int64
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
        overallPPM = total == 0 ? 0 : favorable * 1_000_000 / total
        overallRefusalPPM = total == 0 ? 0 : (total - favorable) * 1_000_000 / total
        dimensions = ["region", "order_value_band", "account_age_band"].map { name in
            let tallies = counts[name] ?? [:]
            func rate(_ count: Int64, _ of: Int64) -> Int64 { of == 0 ? 0 : count * 1_000_000 / of }
            let judged = tallies.values.filter { $0.decisions >= Self.minimumDecisions }
            let best = judged.map { rate($0.favorable, $0.decisions) }.max() ?? 0
            let leastRefused = judged.map { rate($0.decisions - $0.favorable, $0.decisions) }.min() ?? 0
            let groups = tallies.map { group, tally in
                let granted = rate(tally.favorable, tally.decisions)
                let refused = rate(tally.decisions - tally.favorable, tally.decisions)
                let enough = tally.decisions >= Self.minimumDecisions
                return Group(
                    name: group, decisions: tally.decisions, favorable: tally.favorable, ratePPM: granted,
                    refusalRatePPM: refused,
                    grantedLessOften: enough && granted * 1_000_000 < best * Self.thresholdPPM,
                    refusedMoreOften: enough && leastRefused * 1_000_000 < refused * Self.thresholdPPM
                        && refused - leastRefused >= Self.minimumGapPPM)
            }
            return Dimension(name: name, groups: groups.sorted { $0.name < $1.name })
        }
    }
}
