import CommonAPI
import Foundation
import GRDB
import OrdersAPI
import RPC
import RefundsAPI
import RefundsService
import ReturnsAPI
import ReturnsService
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// What Returns expects of its providers, checked against the real Orders and Refunds; bad input
/// to Returns and Refunds; and who may call what.
@Suite struct PostPurchaseContractTests {
    @Test func ordersGivesReturnsTheFactsItDecidesFrom() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let facts = try await harness.orders("returns", .service).getPurchaseFacts(
            GetPurchaseFactsRequest.with { $0.orderID = "o-1" })
        #expect(facts.customerID == "customer-1")
        #expect(facts.status == .delivered)
        #expect(facts.deliveredAt != nil)
        #expect(
            facts.paid
                == Money.with {
                    $0.minorUnits = 5_900; $0.currencyCode = "EUR"
                })
        #expect(facts.lines.map(\.lineNumber) == [1, 2])
        #expect(facts.lines.allSatisfy { $0.unitPrice != nil && $0.quantity > 0 })
        #expect(facts.fairness?.region == "EU")
        let missing = await rpcError {
            _ = try await harness.orders("returns", .service).getPurchaseFacts(
                GetPurchaseFactsRequest.with { $0.orderID = "x" })
        }
        #expect(missing?.code == .notFound)
    }

    @Test func refundsCreatesOneRefundPerKeyForReturns() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let asReturns = Refunds.Client(try harness.rpc(harness.refundsRouter, "returns", .service))
        let request = CreateRefundRequest.with {
            $0.idempotencyKey = "return-r1-refund"; $0.orderID = "o-1"
            $0.amount = Money.with {
                $0.minorUnits = 2_500; $0.currencyCode = "EUR"
            }
            $0.source = RefundSource.with { $0.kind = .returnID("r1") }
        }
        let first = try await asReturns.createRefund(request)
        let again = try await asReturns.createRefund(request)
        #expect(first == again)
        #expect(first.state == .pending)
        #expect(first.customerID == "customer-1")
        #expect(try await harness.refundsOf("o-1").count == 1)
    }

    @Test func badInputGetsAClearStatusAndChangesNothing() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        try await harness.order("o-2", customer: "customer-2", deliveredDaysAgo: 5)
        let before = try await Self.counts(harness)
        let customer = try harness.returns()
        let agent = try harness.refunds()
        func requestReturn(_ change: (inout RequestReturnRequest) -> Void) async -> RPCError? {
            var request = RequestReturnRequest.with {
                $0.idempotencyKey = UUID().uuidString; $0.orderID = "o-1"; $0.reason = .productDefect
                $0.lines = [
                    ReturnsAPI.ReturnLine.with {
                        $0.lineNumber = 1; $0.quantity = 1
                    }
                ]
            }
            change(&request)
            return await rpcError { _ = try await customer.requestReturn(request) }
        }
        func createRefund(_ change: (inout CreateRefundRequest) -> Void) async -> RPCError? {
            var request = CreateRefundRequest.with {
                $0.idempotencyKey = UUID().uuidString; $0.orderID = "o-1"
                $0.amount = Money.with {
                    $0.minorUnits = 100; $0.currencyCode = "EUR"
                }
                $0.source = RefundSource.with { $0.kind = .agentNote("goodwill") }
            }
            change(&request)
            return await rpcError { _ = try await agent.createRefund(request) }
        }
        let cases: [(String, RPCError?, StatusCode, String)] = [
            ("unknown order", await requestReturn { $0.orderID = "nope" }, .notFound, "order 'nope' not found"),
            (
                "another customer's order", await requestReturn { $0.orderID = "o-2" }, .notFound,
                "order 'o-2' not found"
            ),
            ("no reason", await requestReturn { $0.reason = .unspecified }, .invalidArgument, "reason must be"),
            ("no lines", await requestReturn { $0.lines = [] }, .invalidArgument, "lines must name at least one"),
            ("unknown line", await requestReturn { $0.lines[0].lineNumber = 9 }, .invalidArgument, "has no line 9"),
            ("too many units", await requestReturn { $0.lines[0].quantity = 3 }, .invalidArgument, "between 1 and 2"),
            (
                "oversized description", await requestReturn { $0.description = String(repeating: "x", count: 4_001) },
                .invalidArgument, "longer than 4000"
            ),
            (
                "replacement for changed mind",
                await requestReturn {
                    $0.reason = .changedMind; $0.remedy = .replacement
                },
                .failedPrecondition, "RET-REPLACEMENT"
            ),
            (
                "negative refund", await createRefund { $0.amount?.minorUnits = -5 }, .invalidArgument,
                "amount is negative"
            ),
            (
                "invalid currency", await createRefund { $0.amount?.currencyCode = "EURO" }, .invalidArgument,
                "not an ISO 4217 code"
            ),
            ("other currency", await createRefund { $0.amount?.currencyCode = "USD" }, .invalidArgument, "paid in EUR"),
            ("no source", await createRefund { $0.source = nil }, .invalidArgument, "source is required"),
            (
                "more than paid", await createRefund { $0.amount?.minorUnits = 5_901 }, .failedPrecondition,
                "exceeds what remains refundable"
            ),
            ("unknown refund order", await createRefund { $0.orderID = "nope" }, .notFound, "order 'nope' not found"),
            (
                "unknown refund",
                await rpcError { _ = try await agent.getRefund(GetRefundRequest.with { $0.refundID = "REF-x" }) },
                .notFound,
                "refund 'REF-x' not found"
            ),
        ]
        for (name, error, code, message) in cases {
            #expect(error?.code == code, "\(name): \(String(describing: error))")
            #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "no error")")
        }
        // Nothing changed, but the refusal of more than remains refundable is a decision: on record.
        var expected = before
        expected["refunds-outbox", default: 0] += 1
        #expect(try await Self.counts(harness) == expected)
    }

    @Test func everyRoleGetsExactlyTheMethodsThePolicyGivesIt() async throws {
        let harness = try PostPurchaseHarness()
        let services: [(Router, AccessPolicy, [MethodDescriptor])] = [
            (harness.returnsRouter, ReturnsService.accessPolicy, Returns.Method.all),
            (harness.refundsRouter, RefundsService.accessPolicy, Refunds.Method.all),
        ]
        for (router, policy, methods) in services {
            for role in Role.allCases {
                let client = try harness.rpc(router, "someone", role)
                for method in methods {
                    var code = StatusCode.ok
                    do {
                        let _: (message: GetReturnRequest, headers: Metadata, trailers: Metadata) =
                            try await client.unaryCall(
                                method, GetReturnRequest())
                    } catch let error as RPCError {
                        code = error.code
                    }
                    let allowed = policy.allows(Identity(subject: "someone", role: role), method)
                    #expect(
                        (code == .permissionDenied) == !allowed, "\(role.rawValue) calling \(method.method) got \(code)"
                    )
                    #expect(
                        code != .unauthenticated && code != .unimplemented && code != .unknown,
                        "\(method.method): \(code)")
                }
            }
        }
    }

    static func counts(_ harness: PostPurchaseHarness) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (name, database, table) in [
            ("returns", harness.returnsDatabase, "returns"), ("refunds", harness.refundsDatabase, "refunds"),
        ] {
            counts[name] = try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            counts["\(name)-outbox"] = try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            }
        }
        return counts
    }
}
