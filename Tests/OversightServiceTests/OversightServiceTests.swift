import CommonAPI
import Foundation
import OversightAPI
import OversightService
import RPC
import Runtime
import TestSupport
import Testing
import Wire

/// Oversight through its real router on a real SQLite file.
@Suite struct OversightServiceTests {
    static func filledLog(_ harness: OversightHarness, cases: Int = 10) async throws {
        var events: [Event] = []
        for index in 0..<cases {
            let id = "case-\(index)"
            events += [
                OversightHarness.event("\(id)-1", .caseOpened, caseID: id, minutes: Double(index)),
                OversightHarness.event("\(id)-2", .firstResponse, caseID: id, minutes: Double(index) + 5),
                OversightHarness.event("\(id)-3", .decision, caseID: id, minutes: Double(index) + 30),
                OversightHarness.event("\(id)-4", .caseResolved, caseID: id, minutes: Double(index) + 60),
            ]
        }
        try await harness.record(events)
    }

    @Test func duplicatesAreDroppedByEventID() async throws {
        let harness = try OversightHarness()
        let first = try await harness.record([
            OversightHarness.event("e-1", .caseOpened, caseID: "c", minutes: 0),
            OversightHarness.event("e-2", .decision, caseID: "c", minutes: 1),
        ])
        #expect(first.accepted == 2)
        #expect(first.lastSequence == 2)
        let again = try await harness.record([
            OversightHarness.event("e-2", .decision, caseID: "c", minutes: 1),
            OversightHarness.event("e-3", .caseResolved, caseID: "c", minutes: 2),
            OversightHarness.event("e-3", .caseResolved, caseID: "c", minutes: 2),
        ])
        #expect(again.accepted == 1)
        #expect(again.duplicates == 2)
        #expect(again.lastSequence == 3)
        let auditor = try harness.client("auditor-1", .auditor)
        let records = try await auditor.listAuditRecords(ListAuditRecordsRequest())
        #expect(records.records.map { $0.event?.eventID } == ["e-1", "e-2", "e-3"])
        #expect(records.records[1].previousHash == records.records[0].hash)
    }

    @Test(arguments: [
        ("edit", "UPDATE audit_log SET event = X'0A0178' WHERE sequence = 17", Int64(17)),
        ("delete", "DELETE FROM audit_log WHERE sequence = 9", 10),
        (
            "reorder",
            "UPDATE audit_log SET sequence = -1 WHERE sequence = 5; UPDATE audit_log SET sequence = 5 WHERE sequence = 6; UPDATE audit_log SET sequence = 6 WHERE sequence = -1",
            5
        ),
        ("truncate", "DELETE FROM audit_log WHERE sequence > 30", 31),
        ("rewrite the tail", "DELETE FROM audit_log WHERE sequence = 40", 40),
    ])
    func tamperingWithAnyRecordIsDetected(_ kind: String, _ sql: String, _ firstInvalid: Int64) async throws {
        let harness = try OversightHarness()
        try await Self.filledLog(harness)
        let auditor = try harness.client("auditor-1", .auditor)
        let intact = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(intact.valid)
        #expect(intact.recordsChecked == 40)
        try await harness.tamper(sql)
        let result = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(!result.valid, "\(kind) went unnoticed")
        #expect(result.firstInvalidSequence == firstInvalid, "\(kind): \(result.problem)")
        #expect(!result.problem.isEmpty)
    }

    @Test func theReportCoversTimesStandardizationCategoriesAndSatisfaction() async throws {
        let harness = try OversightHarness()
        try await Self.filledLog(harness)
        try await harness.record([
            OversightHarness.event("r-1", .caseOpened, caseID: "other", minutes: 3, category: "PROCESSING_DELAY")
        ])
        let customer = try harness.client("customer-1", .customer)
        for (index, score) in [5, 4, 5].enumerated() {
            _ = try await customer.recordRating(
                RecordRatingRequest.with {
                    $0.idempotencyKey = "rate-\(index)"; $0.aggregateType = "issue"; $0.aggregateID = "case-\(index)"
                    $0.score = Int32(score)
                })
        }
        let stranger = try harness.client("customer-2", .customer)
        #expect(
            await rpcError {
                _ = try await stranger.recordRating(
                    RecordRatingRequest.with {
                        $0.idempotencyKey = "x"; $0.aggregateType = "issue"; $0.aggregateID = "case-1"; $0.score = 1
                    })
            }?.code == .notFound)
        // The ratings were given on day 40 (the service's clock); the report covers 41 days.
        let report = try await harness.client("agent-1", .agent).getReport(
            GetReportRequest.with {
                $0.from = Timestamp(OversightHarness.start)
                $0.to = Timestamp(OversightHarness.start.addingTimeInterval(41 * 86_400))
            })
        #expect(report.events == 44)
        #expect(report.decisions == 10)
        #expect(report.standardizationPpm == 1_000_000)
        #expect(report.firstResponse?.count == 10)
        #expect(report.firstResponse?.p50 == ProtoDuration(seconds: 300))
        #expect(report.resolution?.p99 == ProtoDuration(seconds: 3_600))
        #expect(
            report.topCategories.first
                == CategoryCount.with {
                    $0.category = "SHIPPING_ANOMALY"; $0.count = 10
                })
        #expect(report.satisfaction?.ratings == 3)
        #expect(report.satisfaction?.meanScoreMilli == 4_666)
        #expect(report.satisfaction?.distribution == [0, 0, 0, 1, 2])
        #expect(report.fairness?.disparityFlagged == false)
    }

    @Test func aBiasedDecisionStreamIsFlaggedAndAnUnbiasedOneIsNot() async throws {
        func report(biased: Bool) async throws -> FairnessReport? {
            let harness = try OversightHarness()
            var events: [Event] = []
            for index in 0..<400 {
                let region = ["EU", "NA", "APAC", "LATAM"][index % 4]
                // 90% favorable everywhere; with bias, LATAM only 40%.
                let occurrence = index / 4
                let favorable = region == "LATAM" && biased ? occurrence % 10 < 4 : occurrence % 10 != 0
                events.append(
                    OversightHarness.event(
                        "d-\(index)", .decision, caseID: "c-\(index)", minutes: Double(index), region: region,
                        favorable: favorable))
            }
            try await harness.record(events)
            return try await harness.client("auditor-1", .auditor).getReport(
                GetReportRequest.with {
                    $0.from = Timestamp(OversightHarness.start)
                    $0.to = Timestamp(OversightHarness.start.addingTimeInterval(86_400))
                }
            ).fairness
        }
        let unbiased = try await report(biased: false)
        #expect(unbiased?.disparityFlagged == false)
        let biased = try await report(biased: true)
        #expect(biased?.disparityFlagged == true)
        let flagged = biased?.dimensions.flatMap { $0.groups.filter(\.flagged).map(\.group) }
        #expect(flagged == ["LATAM"])
    }

    @Test func eligibilityChecksDeniedMoreOftenInOneRegionAreFlaggedAndTheSameDenialsSpreadEvenlyAreNot()
        async throws
    {
        // 200 eligibility checks per region, 80 denials in all. Biased: LATAM is denied 35 times
        // (17.5%), every other region 15 times (7.5%): grant rates of 82.5% and 92.5% pass the
        // four-fifths test, so only the refusal direction can see it. Unbiased: 20 denials each.
        func report(biased: Bool) async throws -> FairnessReport? {
            let harness = try OversightHarness()
            var events: [Event] = []
            for index in 0..<800 {
                let region = ["EU", "NA", "APAC", "LATAM"][index % 4]
                let denials = biased ? (region == "LATAM" ? 35 : 15) : 20
                var event = OversightHarness.event(
                    "e-\(index)", .decision, caseID: "ELG-\(index)", minutes: Double(index) / 2, region: region,
                    favorable: index / 4 >= denials, category: "RETURN_ELIGIBILITY")
                event.decision?.decisionType = "return_eligibility"
                event.decision?.outcome = index / 4 >= denials ? "ELIGIBLE" : "NOT_ELIGIBLE"
                events.append(event)
            }
            for batch in stride(from: 0, to: events.count, by: 400) {
                try await harness.record(Array(events[batch..<batch + 400]))
            }
            return try await harness.client("auditor-1", .auditor).getReport(
                GetReportRequest.with {
                    $0.from = Timestamp(OversightHarness.start)
                    $0.to = Timestamp(OversightHarness.start.addingTimeInterval(86_400))
                }
            ).fairness
        }
        let unbiased = try #require(try await report(biased: false))
        #expect(unbiased.disparityFlagged == false)
        #expect(unbiased.overallRefusalRatePpm == 100_000)
        let biased = try #require(try await report(biased: true))
        #expect(biased.overallRefusalRatePpm == unbiased.overallRefusalRatePpm)
        #expect(biased.disparityFlagged == true)
        let groups = biased.dimensions.flatMap(\.groups)
        #expect(groups.filter(\.flagged).map(\.group) == ["LATAM"])
        #expect(groups.filter(\.refusedMoreOften).map(\.group) == ["LATAM"])
        #expect(groups.filter(\.grantedLessOften).isEmpty)
        let latam = try #require(groups.first { $0.group == "LATAM" })
        #expect(latam.unfavorable == 35 && latam.refusalRatePpm == 175_000)
    }

    @Test func theAgentReportFlagsTheOneSlowBadlyRatedAgent() async throws {
        let harness = try OversightHarness()
        var events: [Event] = []
        func step(_ id: String, _ kind: EventKind, _ caseID: String, _ minutes: Double, _ actor: Actor?) {
            var event = OversightHarness.event(id, kind, caseID: caseID, minutes: minutes)
            if let actor { event.actor = actor }
            events.append(event)
        }
        let customer = Actor.with {
            $0.subject = "customer-1"; $0.role = .customer
        }
        // Ana, Ben and Cai answer in 8 to 14 minutes; Dan in about an hour and a half.
        let agents: [(String, Double)] = [("ana", 8), ("ben", 10), ("cai", 12), ("dan", 90)]
        for (agent, minutes) in agents {
            let actor = Actor.with {
                $0.subject = agent; $0.role = .agent
            }
            for index in 0..<12 {
                let caseID = "\(agent)-\(index)"
                let opened = Double(index * 1_000)
                let reply = minutes + Double(index % 3)
                step("\(caseID)-o", .caseOpened, caseID, opened, customer)
                step("\(caseID)-a1", .message, caseID, opened + reply, actor)
                step("\(caseID)-c", .message, caseID, opened + 500, customer)
                step("\(caseID)-a2", .message, caseID, opened + 500 + reply, actor)
                step("\(caseID)-r", .caseResolved, caseID, opened + 501 + reply, actor)
            }
        }
        try await harness.record(events)
        let rater = try harness.client("customer-1", .customer)
        for (agent, _) in agents {
            for index in 0..<12 {
                _ = try await rater.recordRating(
                    RecordRatingRequest.with {
                        $0.idempotencyKey = "rate-\(agent)-\(index)"; $0.aggregateType = "issue"
                        $0.aggregateID = "\(agent)-\(index)"
                        $0.score = agent == "dan" ? Int32(1 + index % 2) : Int32(4 + index % 2)
                    })
            }
        }
        let report = try await harness.client("auditor-1", .auditor).getAgentReport(
            GetAgentReportRequest.with {
                // The ratings were given on day 40 (the service's clock).
                $0.from = Timestamp(OversightHarness.start)
                $0.to = Timestamp(OversightHarness.start.addingTimeInterval(41 * 86_400))
            })
        #expect(report.agents.map(\.agentID) == ["ana", "ben", "cai", "dan"])
        #expect(report.agents.filter(\.flagged).map(\.agentID) == ["dan"])
        let dan = try #require(report.agents.first { $0.agentID == "dan" })
        #expect(dan.slow && dan.badlyRated)
        #expect(dan.figures?.firstResponse?.count == 12 && dan.figures?.nextResponse?.count == 12)
        #expect(dan.figures?.withinTarget == 0 && dan.figures?.ratings == 12)
        let ana = try #require(report.agents.first { $0.agentID == "ana" })
        #expect(ana.figures?.withinTargetPpm == 1_000_000)
        // Support time only: neither the 500 minutes waiting on the customer nor the minute
        // between the last reply and the resolution (also waiting on the customer) count.
        #expect(ana.figures?.resolution?.p99 == ProtoDuration(seconds: (10 + 10) * 60))
        #expect(report.teams.map(\.team) == ["unassigned"])
        #expect(report.teams.first?.flaggedAgents == ["dan"])
    }

    @Test func theSameSeedDrawsTheSameSampleAndAuditorsMarkIt() async throws {
        let harness = try OversightHarness()
        try await Self.filledLog(harness, cases: 50)
        let auditor = try harness.client("auditor-1", .auditor)
        func draw(_ key: String, seed: UInt64) async throws -> AuditSample {
            try await auditor.createAuditSample(
                CreateAuditSampleRequest.with {
                    $0.idempotencyKey = key; $0.seed = seed; $0.size = 12
                    $0.from = Timestamp(OversightHarness.start)
                    $0.to = Timestamp(OversightHarness.start.addingTimeInterval(86_400))
                })
        }
        let first = try await draw("a", seed: 7)
        let second = try await draw("b", seed: 7)
        let other = try await draw("c", seed: 8)
        #expect(first.items.map { $0.record?.sequence } == second.items.map { $0.record?.sequence })
        #expect(first.items.map { $0.record?.sequence } != other.items.map { $0.record?.sequence })
        #expect(first.items.count == 12)
        let sequence = try #require(first.items.first?.record?.sequence)
        let marked = try await auditor.markAuditItem(
            MarkAuditItemRequest.with {
                $0.idempotencyKey = "m"; $0.sampleID = first.sampleID; $0.sequence = sequence; $0.verdict = .fail
                $0.note = "resolution not explained"
            })
        #expect(marked.failed == 1)
        #expect(marked.items.first?.markedBy?.subject == "auditor-1")
        let stored = try await auditor.getAuditSample(GetAuditSampleRequest.with { $0.sampleID = first.sampleID })
        #expect(stored == marked)
    }

    @Test func aComplaintGoesThroughEveryStateAndTheCustomerIsTold() async throws {
        let harness = try OversightHarness()
        let agent = try harness.client("agent-1", .agent)
        let customer = try harness.client("customer-1", .customer)
        _ = try await agent.upsertStaffMember(
            UpsertStaffMemberRequest.with {
                $0.idempotencyKey = "s1"
                $0.member = StaffMember.with {
                    $0.staffID = "staff-1"; $0.name = "Kim"; $0.teams = ["complaints"]; $0.active = true
                }
            })
        _ = try await agent.upsertStaffMember(
            UpsertStaffMemberRequest.with {
                $0.idempotencyKey = "s2"
                $0.member = StaffMember.with {
                    $0.staffID = "staff-2"; $0.name = "Lee"; $0.teams = ["returns"]; $0.active = true
                }
            })
        let filed = try await customer.fileComplaint(
            FileComplaintRequest.with {
                $0.idempotencyKey = "f"; $0.kind = .complaint; $0.subject = "Refund late";
                $0.text = "It has been 12 days"
            })
        #expect(filed.state == .submitted)
        let id = filed.complaintID
        let notStaff = await rpcError {
            _ = try await agent.assignComplaint(
                AssignComplaintRequest.with {
                    $0.idempotencyKey = "a0"; $0.complaintID = id; $0.staffID = "staff-2"
                })
        }
        #expect(notStaff?.code == .failedPrecondition)
        #expect(
            try await agent.assignComplaint(
                AssignComplaintRequest.with {
                    $0.idempotencyKey = "a"; $0.complaintID = id; $0.staffID = "staff-1"
                }
            ).state == .assigned)
        #expect(
            try await agent.startInvestigation(
                StartInvestigationRequest.with {
                    $0.idempotencyKey = "i"; $0.complaintID = id
                }
            ).state == .investigating)
        let resolved = try await agent.resolveComplaint(
            ResolveComplaintRequest.with {
                $0.idempotencyKey = "r"; $0.complaintID = id; $0.resolution = "Refund paid today"
            })
        #expect(resolved.state == .resolved)
        #expect(resolved.notifications.last?.text.contains("Refund paid today") == true)
        #expect(
            try await customer.closeComplaint(
                CloseComplaintRequest.with {
                    $0.idempotencyKey = "c"; $0.complaintID = id
                }
            ).state == .closed)
        let mine = try await customer.listComplaints(ListComplaintsRequest())
        #expect(mine.complaints.map(\.complaintID) == [id])
        #expect(
            try await harness.client("customer-2", .customer).listComplaints(ListComplaintsRequest()).complaints.isEmpty
        )
        // Its whole history is in the audit log, and the log still verifies.
        let records = try await harness.client("auditor-1", .auditor).listAuditRecords(
            ListAuditRecordsRequest.with { $0.aggregateID = id })
        #expect(records.records.contains { $0.event?.kind == .caseResolved })
        #expect(try await harness.client("auditor-1", .auditor).verifyAuditLog(VerifyAuditLogRequest()).valid)
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        let harness = try OversightHarness()
        try await Self.filledLog(harness, cases: 2)
        let service = try harness.client("orders", .service)
        let auditor = try harness.client("auditor-1", .auditor)
        let cases: [(RPCError?, StatusCode)] = [
            (
                await rpcError {
                    _ = try await service.recordEvents(RecordEventsRequest.with { $0.events = [Event()] })
                }, .invalidArgument
            ),
            (
                await rpcError {
                    var event = OversightHarness.event("x", .caseOpened, caseID: "c", minutes: 0)
                    event.kind = .unspecified
                    _ = try await service.recordEvents(RecordEventsRequest.with { $0.events = [event] })
                }, .invalidArgument
            ),
            (
                await rpcError {
                    _ = try await service.recordEvents(
                        RecordEventsRequest.with { request in
                            request.events = (0...1_000).map {
                                OversightHarness.event("b-\($0)", .caseOpened, caseID: "c", minutes: 0)
                            }
                        })
                }, .invalidArgument
            ),
            (await rpcError { _ = try await auditor.getReport(GetReportRequest()) }, .invalidArgument),
            (
                await rpcError {
                    _ = try await auditor.createAuditSample(
                        CreateAuditSampleRequest.with {
                            $0.idempotencyKey = "k"; $0.size = 0
                        })
                }, .invalidArgument
            ),
            (
                await rpcError {
                    _ = try await auditor.getAuditSample(GetAuditSampleRequest.with { $0.sampleID = "nope" })
                }, .notFound
            ),
            (
                await rpcError {
                    _ = try await harness.client("customer-1", .customer).recordRating(
                        RecordRatingRequest.with {
                            $0.idempotencyKey = "r"; $0.aggregateType = "issue"; $0.aggregateID = "case-0"; $0.score = 6
                        })
                }, .invalidArgument
            ),
            (
                await rpcError {
                    _ = try await harness.client("customer-1", .customer).fileComplaint(
                        FileComplaintRequest.with {
                            $0.idempotencyKey = "f"; $0.kind = .complaint; $0.subject = ""; $0.text = "x"
                        })
                }, .invalidArgument
            ),
            (await rpcError { _ = try await auditor.recordEvents(RecordEventsRequest()) }, .permissionDenied),
        ]
        for (index, (error, code)) in cases.enumerated() {
            #expect(error?.code == code, "case \(index): \(String(describing: error))")
        }
        let verification = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(verification.recordsChecked == 8)
        #expect(verification.valid)
    }

    @Test func everyRoleGetsExactlyTheMethodsThePolicyGivesIt() async throws {
        let harness = try OversightHarness()
        for role in Role.allCases {
            let client = try harness.client("someone", role).rpc
            for method in Oversight.Method.all {
                var code = StatusCode.ok
                do {
                    let _: (message: GetAuditSampleRequest, headers: Metadata, trailers: Metadata) =
                        try await client.unaryCall(
                            method, GetAuditSampleRequest())
                } catch let error as RPCError {
                    code = error.code
                }
                let allowed = OversightService.accessPolicy.allows(Identity(subject: "someone", role: role), method)
                #expect(
                    (code == .permissionDenied) == !allowed, "\(role.rawValue) calling \(method.method) got \(code)")
                #expect(
                    code != .unauthenticated && code != .unimplemented && code != .unknown, "\(method.method): \(code)")
            }
        }
    }
}
