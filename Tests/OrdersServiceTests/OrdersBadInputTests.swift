import CommonAPI
import Foundation
import OrdersAPI
import OrdersService
import RPC
import Runtime
import TestSupport
import Testing
import Wire

/// Bad input gets a clear status and changes nothing: no row, no event, no idempotency record.
@Suite struct OrdersBadInputTests {
    @Test func eachBadRequestIsRefusedAndLeavesTheDatabaseAsItWas() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        let stranger = try harness.client("customer-2", .customer)
        let agent = try harness.agent()
        let platform = try harness.platform()
        let before = try await harness.counts()

        func report(_ client: Orders.Client, _ change: (inout ReportIssueRequest) -> Void) async -> RPCError? {
            var request = ReportIssueRequest.with {
                $0.idempotencyKey = UUID().uuidString; $0.orderID = "o-1"; $0.category = .processingDelay
                $0.description = "late"
            }
            change(&request)
            return await rpcError { _ = try await client.reportIssue(request) }
        }
        func importing(_ change: (inout OrdersAPI.Order) -> Void) async -> RPCError? {
            var order = harness.order("o-new")
            change(&order)
            return await rpcError {
                _ = try await platform.importOrder(
                    ImportOrderRequest.with {
                        $0.idempotencyKey = UUID().uuidString
                        $0.order = order
                    })
            }
        }

        let cases: [(String, RPCError?, StatusCode, String)] = [
            ("unknown order", await report(customer) { $0.orderID = "nope" }, .notFound, "order 'nope' not found"),
            ("another customer's order", await report(stranger) { _ in }, .notFound, "order 'o-1' not found"),
            (
                "empty description", await report(customer) { $0.description = "  " }, .invalidArgument,
                "description is required"
            ),
            (
                "oversized description",
                await report(customer) { $0.description = String(repeating: "x", count: 4_001) },
                .invalidArgument, "description is longer than 4000 characters"
            ),
            (
                "one character of 40 KB (a letter and 20,000 combining accents)",
                await report(customer) { $0.description = "e" + String(repeating: "\u{301}", count: 20_000) },
                .invalidArgument, "description is longer than 4000 characters (16000 UTF-8 bytes)"
            ),
            (
                "no category", await report(customer) { $0.category = .unspecified }, .invalidArgument,
                "category must be"
            ),
            (
                "unknown category", await report(customer) { $0.category = .unrecognized(42) }, .invalidArgument,
                "category must be"
            ),
            (
                "missing idempotency key", await report(customer) { $0.idempotencyKey = "" }, .invalidArgument,
                "idempotency_key is required"
            ),
            (
                "address without address", await report(customer) { $0.category = .addressCorrection },
                .invalidArgument,
                "requested_address is required"
            ),
            (
                "invalid currency",
                await importing { o in for i in o.lines.indices { o.lines[i].unitPrice?.currencyCode = "XYZ" } },
                .invalidArgument, "not an ISO 4217 code"
            ),
            (
                "placed in the future",
                await importing { $0.placedAt = Timestamp(harness.now.addingTimeInterval(3_600)) },
                .invalidArgument, "order.placed_at is in the future"
            ),
            ("empty order id", await importing { $0.orderID = "" }, .invalidArgument, "order.order_id is required"),
            (
                "oversized order id", await importing { $0.orderID = String(repeating: "o", count: 129) },
                .invalidArgument,
                "order.order_id must be 1 to 128"
            ),
            (
                "negative price", await importing { $0.lines[0].unitPrice?.minorUnits = -1 }, .invalidArgument,
                "is negative"
            ),
            (
                "total that is not the sum",
                await importing {
                    $0.total = Money.with {
                        $0.minorUnits = 1; $0.currencyCode = "EUR"
                    }
                },
                .invalidArgument, "is not the sum of the lines"
            ),
            (
                "classify an unknown issue",
                await rpcError {
                    _ = try await agent.classifyIssue(
                        ClassifyIssueRequest.with {
                            $0.idempotencyKey = "k"; $0.issueID = "ISS-x"; $0.cause = .shipping
                        })
                }, .notFound, "issue 'ISS-x' not found"
            ),
            (
                "list with both filters",
                await rpcError {
                    _ = try await agent.listIssues(
                        ListIssuesRequest.with {
                            $0.orderID = "o-1"; $0.customerID = "customer-1"
                        })
                }, .invalidArgument, "give exactly one of order_id and customer_id"
            ),
            (
                "negative page size",
                await rpcError {
                    _ = try await customer.listOrders(
                        ListOrdersRequest.with {
                            $0.customerID = "customer-1"; $0.page = PageRequest.with { $0.pageSize = -1 }
                        })
                }, .invalidArgument, "page_size must not be negative"
            ),
            (
                "adjusting to more than bought",
                await rpcError {
                    _ = try await customer.adjustOrder(
                        AdjustOrderRequest.with {
                            $0.idempotencyKey = "adj"; $0.orderID = "o-1"
                            $0.lines = [
                                LineAdjustment.with {
                                    $0.lineNumber = 1; $0.quantity = 5
                                }
                            ]
                        })
                }, .invalidArgument, "line 1 can go from 2 down to 0, not to 5"
            ),
        ]
        for (name, error, code, message) in cases {
            #expect(error?.code == code, "\(name): \(String(describing: error))")
            #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "no error")")
        }
        #expect(try await harness.counts() == before)
    }

    @Test func everyRoleGetsExactlyTheMethodsThePolicyGivesIt() async throws {
        let harness = try OrdersHarness()
        let policy = OrdersService.accessPolicy
        for role in Role.allCases {
            let client = try harness.client("someone", role)
            for method in Orders.Method.all {
                let code = await statusCode {
                    let _: (message: GetOrderRequest, headers: Metadata, trailers: Metadata) = try await client.rpc
                        .unaryCall(
                            method, GetOrderRequest())
                }
                let allowed = policy.allows(Identity(subject: "someone", role: role), method)
                #expect(
                    (code == .permissionDenied) == !allowed, "\(role.rawValue) calling \(method.method) got \(code)")
                #expect(
                    code != .unauthenticated && code != .unimplemented && code != .unknown, "\(method.method): \(code)")
            }
        }
        let anonymous = Orders.Client(RPCClient(transport: InProcessTransport(router: harness.router)))
        #expect(await statusCode { _ = try await anonymous.getOrder(GetOrderRequest()) } == .unauthenticated)
    }

    @Test func identicalCasesFromDifferentRegionsValuesAndAgesGetIdenticalOutcomes() async throws {
        let harness = try OrdersHarness()
        let agent = try harness.agent()
        var outcomes: Set<String> = []
        for (index, region) in ["EU", "NA", "APAC", "LATAM", "MEA", "EU", "NA", "APAC"].enumerated() {
            var order = harness.order(
                "o-\(index)", customer: "c-\(index)", daysAgo: Double(index % 4) + 1, region: region)
            order.lines[0].quantity = Int32(1 + index * 7)
            order.payments = []
            order.fairness?.accountCreatedAt = Timestamp(harness.now.addingTimeInterval(-Double(index * 300) * 86_400))
            try await harness.importOrder(order)
            try await harness.track(order.orderID, .pickedUp, hoursAgo: 12)
            let customer = try harness.client("c-\(index)", .customer)
            let issue = try await customer.reportIssue(
                ReportIssueRequest.with {
                    $0.idempotencyKey = "r"; $0.orderID = order.orderID; $0.category = .trackingNotUpdated
                    $0.description = "no scans for four days"
                })
            let classified = try await agent.classifyIssue(
                ClassifyIssueRequest.with {
                    $0.idempotencyKey = "c-\(index)"; $0.issueID = issue.issueID; $0.cause = .shipping
                })
            outcomes.insert("\(classified.resolution)|\(classified.decisionRule?.ruleID ?? "")|\(classified.state)")
        }
        #expect(outcomes == ["reship|ORD-TRACKING_NOT_UPDATED-SHIPPING|classified"])
    }
}
