import Foundation
import OversightDomain
import Testing

/// Support attitude per agent: the clocks stop while a case waits on the customer and once it is
/// resolved; a slow, badly rated agent among fair ones is flagged, and only that agent.
@Suite struct AttitudeAnalysisTests {
    static let start = Date(timeIntervalSince1970: 1_790_812_800)

    static func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    @Test func clocksStopWhileTheCaseWaitsOnTheCustomerAndOnceItIsResolved() throws {
        let steps: [AttitudeAnalysis.Step] = [
            .opened(at: Self.at(0)),
            .agentMessage(agent: "ana", at: Self.at(10)),  // first response: 10 min
            .customerMessage(at: Self.at(3 * 24 * 60)),  // three days waiting on the customer
            .customerMessage(at: Self.at(3 * 24 * 60 + 2)),  // the clock is already running
            .agentMessage(agent: "ana", at: Self.at(3 * 24 * 60 + 5)),  // next response: 5 min
            .decision(agent: "ana", followedPlaybook: false),
            .resolved(agent: "ana", at: Self.at(3 * 24 * 60 + 6)),  // waiting on the customer: no time
            .customerMessage(at: Self.at(4 * 24 * 60)),  // after resolution: no clock
            .agentMessage(agent: "ben", at: Self.at(4 * 24 * 60 + 30)),
        ]
        let analysis = AttitudeAnalysis(
            cases: ["issue/c-1": steps], ratings: ["issue/c-1": [2]], complaints: ["issue/c-1": 1],
            teams: ["ana": ["orders"]])
        let ana = try #require(analysis.agents["ana"])
        #expect(ana.firstResponses == [600])
        #expect(ana.nextResponses == [300])
        #expect(ana.resolutions == [900])  // 10 + 5 minutes of support time, not three days
        #expect(ana.decisions == 1 && ana.deviations == 1)
        #expect(ana.withinTarget == 2)
        // Ben answered last (after the resolution, with no clock running): the rating and the
        // complaint are his, but he has no response time.
        let ben = try #require(analysis.agents["ben"])
        #expect(ben.responses.isEmpty && ben.scores == [2] && ben.complaints == 1)
        #expect(analysis.teams["orders"]?.firstResponses == [600])
        #expect(analysis.teams["unassigned"]?.scores == [2])
    }

    @Test func aSlowBadlyRatedAgentIsFlaggedAndOnlyThatAgent() throws {
        var cases: [String: [AttitudeAnalysis.Step]] = [:]
        var ratings: [String: [Int]] = [:]
        // Three agents answer in 8 to 12 minutes and are rated 4 or 5; Dan answers in about an hour
        // and a half and is rated 1 or 2.
        let agents: [(String, Double, [Int])] = [
            ("ana", 8, [5, 4]), ("ben", 10, [4, 5]), ("cai", 12, [5, 5]), ("dan", 90, [1, 2]),
        ]
        for (agent, minutes, scores) in agents {
            for index in 0..<12 {
                let key = "issue/\(agent)-\(index)"
                let opened = Double(index * 1_000)
                let reply = minutes + Double(index % 3)
                cases[key] = [
                    .opened(at: Self.at(opened)), .agentMessage(agent: agent, at: Self.at(opened + reply)),
                    .customerMessage(at: Self.at(opened + 500)),
                    .agentMessage(agent: agent, at: Self.at(opened + 500 + reply)),
                    .resolved(agent: agent, at: Self.at(opened + 501 + reply)),
                ]
                ratings[key] = [scores[index % 2]]
            }
        }
        let analysis = AttitudeAnalysis(cases: cases, ratings: ratings, complaints: [:], teams: [:])
        #expect(analysis.agents.filter { $0.value.flagged }.keys.sorted() == ["dan"])
        #expect(analysis.agents["dan"]?.slow == true && analysis.agents["dan"]?.badlyRated == true)
        #expect(analysis.agents["dan"]?.withinTarget == 0)
        #expect(analysis.agents["ana"]?.withinTarget == 24)
        // Too few responses are not judged.
        let few = cases.filter { !$0.key.hasPrefix("issue/dan") || $0.key == "issue/dan-1" }
        let small = AttitudeAnalysis(cases: few, ratings: ratings, complaints: [:], teams: [:])
        #expect(small.agents.filter { $0.value.flagged }.isEmpty)
    }
}
