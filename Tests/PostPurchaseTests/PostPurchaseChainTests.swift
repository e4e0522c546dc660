import CommonAPI
import Foundation
import MetricsTestKit
import OrdersAPI
import OversightAPI
import RPC
import RefundsAPI
import RefundsService
import ReturnsAPI
import ReturnsService
import Runtime
import TestSupport
import Testing
import Wire

/// Returns, Refunds and Orders together (the real services, each on its own SQLite file).
@Suite struct PostPurchaseChainTests {
    @Test(arguments: [(60, true), (61, false)])
    func theWindowBoundaryThroughTheService(_ daysAgo: Int, _ eligible: Bool) async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: daysAgo)
        let answer = try await harness.returns().checkEligibility(CheckEligibilityRequest.with { $0.orderID = "o-1" })
        #expect(answer.eligible == eligible)
        #expect(answer.daysSinceDelivery == Int32(daysAgo))
        #expect(answer.rule?.ruleID == "RET-WINDOW-60D")
        #expect(answer.rule?.policyVersion == "2026.11")
        #expect(answer.route == (eligible ? .return : .none))
    }

    @Test func anUndeliveredOrderIsSentToTheOrderIssuePath() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: nil)
        let answer = try await harness.returns().checkEligibility(CheckEligibilityRequest.with { $0.orderID = "o-1" })
        #expect(!answer.eligible)
        #expect(answer.route == .orderIssue)
        #expect(answer.rule?.ruleID == "RET-NOT-DELIVERED")
        let refused = await rpcError {
            _ = try await harness.returns().requestReturn(
                RequestReturnRequest.with {
                    $0.idempotencyKey = "k"; $0.orderID = "o-1"; $0.reason = .changedMind
                    $0.lines = [
                        ReturnsAPI.ReturnLine.with {
                            $0.lineNumber = 1; $0.quantity = 1
                        }
                    ]
                })
        }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message.contains("RET-NOT-DELIVERED") == true)
    }

    @Test func anApprovedReturnProducesExactlyOneRefundEvenWhenRetried() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 10)
        let approved = try await harness.returnAndInspect("o-1")
        #expect(approved.state == .refundRequested)
        #expect(!approved.refundID.isEmpty)
        #expect(approved.decision?.rule?.ruleID == "RET-INSPECTION-CONFIRMS")
        // The same inspection retried (same key) answers the same, and refunds nothing more.
        let retried = try await harness.returns("warehouse", .service).recordInspection(
            RecordInspectionRequest.with {
                $0.idempotencyKey = "inspect-\(approved.returnID)"; $0.returnID = approved.returnID;
                $0.finding = .confirmsReason
                $0.notes = "checked"
            })
        #expect(retried.returnID == approved.returnID)
        _ = try await harness.returnsService.requestPendingRefunds()
        let refunds = try await harness.refundsOf("o-1")
        #expect(refunds.count == 1)
        #expect(refunds.first?.refundID == approved.refundID)
        #expect(
            refunds.first?.amount
                == Money.with {
                    $0.minorUnits = 2_500; $0.currencyCode = "EUR"
                })
        #expect(refunds.first?.source?.kind == .returnID(approved.returnID))
        #expect(refunds.first?.expectedBy == Timestamp(harness.now.addingTimeInterval(10 * 86_400)))
    }

    @Test func withRefundsDownTheApprovalWaitsAndIsRefundedOnceWhenItReturns() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 10)
        harness.refundsLink.setDown(true)
        let approved = try await harness.returnAndInspect("o-1")
        #expect(approved.state == .approved)
        #expect(approved.refundID.isEmpty)
        #expect(try await harness.returnsService.requestPendingRefunds() == 0)
        harness.refundsLink.setDown(false)
        // The failed attempt was postponed: the next one waits for the retry delay.
        #expect(try await harness.returnsService.requestPendingRefunds() == 0)
        harness.clock.advance(ReturnsService.refundRetryDelay)
        #expect(try await harness.returnsService.requestPendingRefunds() == 1)
        #expect(try await harness.returnsService.requestPendingRefunds() == 0)
        let refunds = try await harness.refundsOf("o-1")
        #expect(refunds.count == 1)
        let after = try await harness.returns().getReturn(GetReturnRequest.with { $0.returnID = approved.returnID })
        #expect(after.state == .refundRequested)
        #expect(after.refundID == refunds.first?.refundID)
        #expect(after.notifications.last?.text.contains("refund of 25.00 EUR") == true)
    }

    @Test func aRefundRefusedForGoodLeavesTheFollowUpAndDoesNotStarveTheNextOne() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 10)
        try await harness.order("o-2", deliveredDaysAgo: 10)
        // An agent refunds all of o-1 first: its return's refund will be refused for good.
        _ = try await harness.refunds().createRefund(
            CreateRefundRequest.with {
                $0.idempotencyKey = "goodwill"; $0.orderID = "o-1"
                $0.amount = Money.with {
                    $0.minorUnits = 5_900; $0.currencyCode = "EUR"
                }
                $0.source = RefundSource.with { $0.kind = .agentNote("goodwill") }
            })
        harness.refundsLink.setDown(true)
        let older = try await harness.returnAndInspect("o-1")
        harness.clock.advance(1)
        let newer = try await harness.returnAndInspect("o-2")
        #expect(older.state == .approved && newer.state == .approved)
        harness.refundsLink.setDown(false)
        harness.clock.advance(ReturnsService.refundRetryDelay + 1)
        // One at a time: the older one is refused for good and blocked, then the newer one is refunded.
        #expect(try await harness.returnsService.requestPendingRefunds(limit: 1) == 0)
        #expect(try await harness.returnsService.requestPendingRefunds(limit: 1) == 1)
        #expect(try await harness.returnsService.requestPendingRefunds(limit: 1) == 0)
        let returns = try harness.returns("agent-1", .agent)
        let blocked = try await returns.getReturn(GetReturnRequest.with { $0.returnID = older.returnID })
        #expect(blocked.state == .refundBlocked)
        #expect(blocked.notifications.last?.text.contains("a support agent is arranging it") == true)
        let refunded = try await returns.getReturn(GetReturnRequest.with { $0.returnID = newer.returnID })
        #expect(refunded.state == .refundRequested)
        let queue = try await returns.listReturns(ListReturnsRequest.with { $0.state = .refundBlocked })
        #expect(queue.returns.map(\.returnID) == [older.returnID])
        // The refusal is on record for Oversight.
        let events = try await harness.outbox(harness.returnsDatabase)
        #expect(
            events.contains {
                $0.aggregateID == older.returnID && $0.decision?.outcome == "REFUSED"
                    && $0.decision?.rule?.ruleID == "RET-REFUND-BLOCKED"
            })
    }

    @Test func concurrentPartialRefundsNeverExceedWhatWasPaid() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 3)
        let agent = try harness.refunds()
        let outcomes = await withTaskGroup(of: StatusCode.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        _ = try await agent.createRefund(
                            CreateRefundRequest.with {
                                $0.idempotencyKey = "partial-\(index)"; $0.orderID = "o-1"
                                $0.amount = Money.with {
                                    $0.minorUnits = 1_000; $0.currencyCode = "EUR"
                                }
                                $0.source = RefundSource.with { $0.kind = .agentNote("goodwill \(index)") }
                            })
                        return .ok
                    } catch let error as RPCError {
                        return error.code
                    } catch {
                        return .unknown
                    }
                }
            }
            var outcomes: [StatusCode] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.filter { $0 == .ok }.count == 5)
        #expect(outcomes.filter { $0 == .failedPrecondition }.count == 15)
        let balance = try await agent.getRefundBalance(GetRefundBalanceRequest.with { $0.orderID = "o-1" })
        #expect(balance.inProgress?.minorUnits == 5_000)
        #expect(balance.refundable?.minorUnits == 900)
        #expect(try await harness.refundsOf("o-1").reduce(0) { $0 + ($1.amount?.minorUnits ?? 0) } <= 5_900)
    }

    @Test func refundsMoveThroughTheirStatesAndOverdueOnesAreReportedOnce() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 3)
        let agent = try harness.refunds()
        let payments = try harness.refunds("payments", .service)
        func create(_ key: String) async throws -> RefundsAPI.Refund {
            try await agent.createRefund(
                CreateRefundRequest.with {
                    $0.idempotencyKey = key; $0.orderID = "o-1"
                    $0.amount = Money.with {
                        $0.minorUnits = 500; $0.currencyCode = "EUR"
                    }
                    $0.source = RefundSource.with { $0.kind = .issueID("ISS-\(key)") }
                })
        }
        let done = try await create("a")
        let late = try await create("b")
        _ = try await payments.markProcessing(
            MarkProcessingRequest.with {
                $0.idempotencyKey = "p"; $0.refundID = done.refundID; $0.paymentReference = "psp-1"
            })
        let completed = try await payments.reportOutcome(
            ReportOutcomeRequest.with {
                $0.idempotencyKey = "o"; $0.refundID = done.refundID; $0.outcome = .completedReference("psp-1")
            })
        #expect(completed.state == .completed)
        #expect(
            await rpcError {
                _ = try await payments.markProcessing(
                    MarkProcessingRequest.with {
                        $0.idempotencyKey = "p2"; $0.refundID = done.refundID; $0.paymentReference = "x"
                    })
            }?.code == .failedPrecondition)
        #expect(try await harness.refundsService.reportBreaches() == 0)
        harness.clock.advance(10 * 86_400 + 60)
        #expect(try await harness.refundsService.reportBreaches() == 1)
        #expect(try await harness.refundsService.reportBreaches() == 0)
        // Counted once for the alert rules (deploy/prometheus): refund_sla_breaches_total.
        #expect(try harness.refundsMetrics.expectCounter("refund_sla_breaches_total").totalValue == 1)
        let breaches = try await harness.outbox(harness.refundsDatabase).filter { $0.kind == .slaBreach }
        #expect(breaches.map(\.aggregateID) == [late.refundID])
        let overdue = try await agent.getRefund(GetRefundRequest.with { $0.refundID = late.refundID })
        #expect(overdue.slaBreached)
        let kinds = try await harness.outbox(harness.refundsDatabase).map(\.kind)
        #expect(kinds.contains(.refundOpened))
        #expect(kinds.contains(.refundFinished))
    }

    @Test func identicalCasesFromDifferentRegionsValuesAndAgesGetIdenticalOutcomes() async throws {
        let harness = try PostPurchaseHarness()
        var outcomes: Set<String> = []
        for (index, (region, age)) in [("EU", 1.0), ("NA", 3_000.0), ("APAC", 40.0), ("LATAM", 900.0), ("MEA", 10.0)]
            .enumerated()
        {
            let customer = "customer-\(index)"
            try await harness.order(
                "o-\(index)", customer: customer, deliveredDaysAgo: 30, region: region, accountAgeDays: age)
            let approved = try await harness.returnAndInspect("o-\(index)", customer: customer)
            let refund = try await harness.refundsOf("o-\(index)").first
            outcomes.insert(
                "\(approved.state) \(approved.decision?.rule?.ruleID ?? "") \(refund?.amount?.minorUnits ?? -1) \(approved.eligibility?.rule?.ruleID ?? "")"
            )
        }
        #expect(outcomes == ["refundRequested RET-INSPECTION-CONFIRMS 2500 RET-WINDOW-60D"])
    }
}
