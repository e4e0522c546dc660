import CommonAPI
import Foundation
import OrdersAPI
import OrdersService
import OversightAPI
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// The Orders service through its real router, interceptors and SQLite store.
@Suite struct OrdersServiceTests {
    @Test func ordersAreImportedReadAndListedOnlyByTheirCustomer() async throws {
        let harness = try OrdersHarness()
        let imported = try await harness.importOrder(harness.order("o-1"))
        #expect(
            imported.total
                == Money.with {
                    $0.minorUnits = 5_900; $0.currencyCode = "EUR"
                })
        #expect(imported.status == .placed)

        let customer = try harness.client("customer-1", .customer)
        let read = try await customer.getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        #expect(read == imported)
        let status = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        #expect(status.summary == "Your order o-1 has been placed and paid.")
        #expect(status.openIssueCount == 0)

        let stranger = try harness.client("customer-2", .customer)
        let hidden = await rpcError { _ = try await stranger.getOrder(GetOrderRequest.with { $0.orderID = "o-1" }) }
        #expect(hidden?.code == .notFound)
        #expect(hidden?.message == "order 'o-1' not found")
        #expect(
            await statusCode {
                _ = try await stranger.listOrders(ListOrdersRequest.with { $0.customerID = "customer-1" })
            }
                == .permissionDenied)

        // A retry of the import returns the stored order; the same id under a new key is refused.
        #expect(try await harness.importOrder(harness.order("o-1")) == imported)
        let duplicate = await rpcError {
            _ = try await harness.platform().importOrder(
                ImportOrderRequest.with {
                    $0.idempotencyKey = "another-key"
                    $0.order = harness.order("o-1")
                })
        }
        #expect(duplicate?.code == .alreadyExists)
    }

    /// GetOrderStatus reads the order without its lines and payments: what it answers agrees
    /// with the whole order as GetOrder returns it.
    @Test func theStatusAgreesWithTheWholeOrder() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        _ = try await harness.track("o-1", .pickedUp, hoursAgo: 30)
        _ = try await harness.track("o-1", .inTransit, hoursAgo: 20)
        let customer = try harness.client("customer-1", .customer)
        _ = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "issue-1"; $0.orderID = "o-1"; $0.category = .trackingNotUpdated
                $0.description = "No news for a day."
            })
        let order = try await customer.getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        let status = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        #expect(!order.lines.isEmpty)
        #expect(status.orderID == order.orderID)
        #expect(status.status == order.status)
        #expect(status.status == .inTransit)
        #expect(status.latestEvent == order.trackingEvents.last)
        #expect(status.updatedAt == order.trackingEvents.last?.occurredAt)
        #expect(status.summary == "Your order o-1 is with the carrier (in transit); latest from DHL: scan.")
        #expect(status.openIssueCount == 1)
    }

    /// Pages of 10, of 23 (across the 10 orders read at a time) and of the default 50.
    @Test(arguments: [(10, 3), (23, 2), (0, 1)])
    func listsPageNewestFirstWithoutGapsOrRepeats(pageSize: Int32, expectedPages: Int) async throws {
        let harness = try OrdersHarness()
        for index in 0..<25 { try await harness.importOrder(harness.order("o-\(index)", daysAgo: Double(index) + 1)) }
        try await harness.importOrder(harness.order("other", customer: "customer-9"))
        let customer = try harness.client("customer-1", .customer)
        var seen: [String] = []
        var token = ""
        var pages = 0
        repeat {
            let page = try await customer.listOrders(
                ListOrdersRequest.with {
                    $0.customerID = "customer-1"
                    $0.page = PageRequest.with {
                        $0.pageSize = pageSize
                        $0.pageToken = token
                    }
                })
            seen += page.orders.map(\.orderID)
            token = page.nextPageToken
            pages += 1
        } while !token.isEmpty
        #expect(pages == expectedPages)
        #expect(seen == (0..<25).map { "o-\($0)" })
        #expect(
            await statusCode {
                _ = try await customer.listOrders(
                    ListOrdersRequest.with {
                        $0.customerID = "customer-1"
                        $0.page = PageRequest.with { $0.pageToken = "garbage!" }
                    })
            } == .invalidArgument)
    }

    /// A customer's issues are the issues of their orders (orders-4), newest first across orders,
    /// paged without gaps or repeats, none of another customer's; read through the orders' and the
    /// issues' indexes, not a scan of every issue.
    @Test func aCustomersIssuesAreListedAcrossTheirOrdersNewestFirst() async throws {
        let harness = try OrdersHarness()
        for id in ["o-1", "o-2", "o-3"] { try await harness.importOrder(harness.order(id)) }
        try await harness.importOrder(harness.order("other", customer: "customer-9"))
        let customer = try harness.client("customer-1", .customer)
        let stranger = try harness.client("customer-9", .customer)
        var reported: [String] = []
        for (number, order) in ["o-2", "o-1", "other", "o-3", "o-1", "o-2", "other"].enumerated() {
            let client = order == "other" ? stranger : customer
            let issue = try await client.reportIssue(
                ReportIssueRequest.with {
                    $0.idempotencyKey = "k-\(number)"; $0.orderID = order; $0.category = .processingDelay
                    $0.description = "late"
                })
            if order != "other" { reported.append(issue.issueID) }
            harness.clock.advance(60)
        }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await customer.listIssues(
                ListIssuesRequest.with {
                    $0.customerID = "customer-1"
                    $0.page = PageRequest.with {
                        $0.pageSize = 2
                        $0.pageToken = token
                    }
                })
            #expect(page.issues.allSatisfy { $0.customerID == "customer-1" })
            seen += page.issues.map(\.issueID)
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen == reported.reversed())
        let plan = try await harness.database.snapshot { db in
            try db.fetchRows(
                """
                EXPLAIN QUERY PLAN SELECT issue_id FROM issues
                WHERE order_id IN (SELECT order_id FROM orders WHERE customer_id = ?) AND customer_id = ?
                ORDER BY reported_at DESC, issue_id DESC LIMIT 10
                """, ["customer-1", "customer-1"]
            ).map { try $0.string(3) }
        }
        #expect(plan.contains { $0.contains("issues_by_order") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN issues") }, "\(plan)")
    }

    @Test func trackingAdvancesTheOrderAndFeedsThePurchaseFacts() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1", daysAgo: 5))
        try await harness.track("o-1", .pickedUp, hoursAgo: 90)
        let inTransit = try await harness.track("o-1", .inTransit, hoursAgo: 60)
        #expect(inTransit.status == .inTransit)
        let delivered = try await harness.track("o-1", .delivered, hoursAgo: 24)
        #expect(delivered.status == .delivered)
        let facts = try await harness.client("returns", .service).getPurchaseFacts(
            GetPurchaseFactsRequest.with { $0.orderID = "o-1" })
        #expect(
            facts.paid
                == Money.with {
                    $0.minorUnits = 5_900; $0.currencyCode = "EUR"
                })
        #expect(facts.deliveredAt == Timestamp(harness.now.addingTimeInterval(-24 * 3_600)))
        #expect(facts.customerID == "customer-1")
        #expect(facts.fairness?.region == "EU")
        let future = await rpcError { try await harness.track("o-1", .exception, hoursAgo: -2) }
        #expect(future?.code == .invalidArgument)
        #expect(future?.message == "event.occurred_at is in the future")
    }

    @Test func anIssueGoesFromReportToCloseWithItsLogNotificationsAndEvents() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.track("o-1", .pickedUp, hoursAgo: 48)
        let customer = try harness.client("customer-1", .customer)
        let agent = try harness.agent()
        let reported = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "r-1"; $0.orderID = "o-1"; $0.category = .shippingAnomaly
                $0.description = "The box arrived crushed at the depot"
            })
        #expect(reported.state == .open)
        #expect(reported.notifications.count == 1)
        #expect(
            await statusCode {
                _ = try await customer.classifyIssue(
                    ClassifyIssueRequest.with {
                        $0.idempotencyKey = "c-0"; $0.issueID = reported.issueID; $0.cause = .shipping
                    })
            } == .permissionDenied)
        let refused = await rpcError {
            _ = try await agent.resolveIssue(
                ResolveIssueRequest.with {
                    $0.idempotencyKey = "x-1"
                    $0.issueID = reported.issueID
                })
        }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message == "issue \(reported.issueID) is OPEN; it can be resolved only when CLASSIFIED")

        let classified = try await agent.classifyIssue(
            ClassifyIssueRequest.with {
                $0.idempotencyKey = "c-1"; $0.issueID = reported.issueID; $0.cause = .shipping;
                $0.note = "carrier damage"
            })
        #expect(classified.resolution == .reship)
        #expect(classified.decisionRule?.ruleID == "ORD-SHIPPING_ANOMALY-SHIPPING")
        #expect(classified.decisionRule?.policyVersion == "2026.11")
        let resolved = try await agent.resolveIssue(
            ResolveIssueRequest.with {
                $0.idempotencyKey = "s-1"; $0.issueID = reported.issueID; $0.note = "replacement sent"
            })
        #expect(resolved.state == .resolved)
        #expect(
            resolved.notifications.last?.text
                == "Your issue with order o-1 is resolved: we send your order again at no cost.")
        let closed = try await customer.closeIssue(
            CloseIssueRequest.with {
                $0.idempotencyKey = "z-1"
                $0.issueID = reported.issueID
            })
        #expect(closed.state == .closed)
        #expect(closed.log.map(\.action) == ["reported", "classified", "resolved", "closed"])
        #expect(closed.log.map(\.sequence) == [1, 2, 3, 4])

        let events = try await harness.outboxEvents()
        #expect(events.allSatisfy { $0.sourceService == "orders" && $0.aggregateID == reported.issueID })
        #expect(events.map(\.aggregateSequence) == (1...Int64(events.count)).map { $0 })
        #expect(Set(events.map(\.eventID)).count == events.count)
        let decision = try #require(events.first { $0.kind == .decision })
        #expect(decision.decision?.rule?.ruleID == "ORD-SHIPPING_ANOMALY-SHIPPING")
        #expect(decision.decision?.outcome == "RESHIP")
        #expect(decision.fairness?.region == "EU")
        #expect(events.contains { $0.kind == .caseOpened })
        #expect(events.contains { $0.kind == .caseResolved })
        #expect(events.contains { $0.kind == .firstResponse })
    }

    @Test func addressCorrectionUpdatesTheOrderBeforeShipmentAndRedirectsAfter() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.importOrder(harness.order("o-2"))
        try await harness.track("o-2", .pickedUp, hoursAgo: 10)
        let customer = try harness.client("customer-1", .customer)
        let newAddress = Address.with {
            $0.recipient = "Ana Lima"; $0.line1 = "Rua B 2"; $0.city = "Porto"; $0.postalCode = "4000-001"
            $0.countryCode = "PT"
        }
        let before = try await customer.correctAddress(
            CorrectAddressRequest.with {
                $0.idempotencyKey = "a-1"; $0.orderID = "o-1"; $0.address = newAddress
            })
        guard case .updatedOrder(let order) = before.outcome else {
            Issue.record("expected the order to be updated, got \(String(describing: before.outcome))")
            return
        }
        #expect(order.shippingAddress == newAddress)
        let after = try await customer.correctAddress(
            CorrectAddressRequest.with {
                $0.idempotencyKey = "a-2"; $0.orderID = "o-2"; $0.address = newAddress
            })
        guard case .redirectIssue(let issue) = after.outcome else {
            Issue.record("expected a redirect issue, got \(String(describing: after.outcome))")
            return
        }
        #expect(issue.resolution == .carrierRedirect)
        #expect(issue.state == .resolved)
        #expect(issue.requestedAddress == newAddress)
        let unchanged = try await customer.getOrder(GetOrderRequest.with { $0.orderID = "o-2" })
        #expect(unchanged.shippingAddress?.city == "Lisboa")
    }

    /// ReportIssue reads only the order's row and lines; when the report changes the address, the
    /// whole order is read and stored back with its lines, payments and tracking events intact.
    @Test func reportingAnAddressCorrectionChangesOnlyTheAddress() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.track("o-1", .labelCreated, hoursAgo: 2)
        let labelled = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        let customer = try harness.client("customer-1", .customer)
        let newAddress = Address.with {
            $0.recipient = "Ana Lima"; $0.line1 = "Rua C 3"; $0.city = "Faro"; $0.postalCode = "8000-001"
            $0.countryCode = "PT"
        }
        let issue = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "r-1"; $0.orderID = "o-1"; $0.category = .addressCorrection
                $0.description = "wrong street"; $0.requestedAddress = newAddress
            })
        #expect(issue.resolution == .updateAddress)
        let order = try await customer.getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        var expected = labelled
        expected.shippingAddress = newAddress
        #expect(order == expected)
        #expect(!order.lines.isEmpty && !order.payments.isEmpty && !order.trackingEvents.isEmpty)
    }

    @Test func aDisputeIsMediatedWithEvidenceFromBothSides() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        let agent = try harness.agent()
        let dispute = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "d-1"; $0.orderID = "o-1"; $0.category = .dispute
                $0.description = "I was charged for a mug I removed"
            })
        #expect(dispute.state == .mediation)
        func evidence(_ client: Orders.Client, _ key: String, _ party: OrdersAPI.DisputeParty) async throws
            -> OrdersAPI.Issue
        {
            try await client.submitDisputeEvidence(
                SubmitDisputeEvidenceRequest.with {
                    $0.idempotencyKey = key; $0.issueID = dispute.issueID; $0.party = party;
                    $0.statement = "statement \(key)"
                })
        }
        #expect(await statusCode { _ = try await evidence(customer, "e-0", .merchant) } == .permissionDenied)
        _ = try await evidence(customer, "e-1", .customer)
        let early = await rpcError {
            _ = try await agent.decideDispute(
                DecideDisputeRequest.with {
                    $0.idempotencyKey = "x"; $0.issueID = dispute.issueID; $0.outcome = .customerUpheld;
                    $0.rationale = "r"
                })
        }
        #expect(early?.code == .failedPrecondition)
        _ = try await evidence(agent, "e-2", .merchant)
        let decided = try await agent.decideDispute(
            DecideDisputeRequest.with {
                $0.idempotencyKey = "dd"; $0.issueID = dispute.issueID; $0.outcome = .settled
                $0.rationale = "The mug line was removed after capture"
            })
        #expect(decided.state == .decided)
        #expect(decided.dispute?.remedy == .refund)
        #expect(decided.dispute?.evidence.count == 2)
        #expect(decided.notifications.last?.text.contains("SETTLED") == true)
    }

    @Test func retriesReturnTheFirstAnswerAndReusedKeysAreRefused() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        let request = ReportIssueRequest.with {
            $0.idempotencyKey = "same"; $0.orderID = "o-1"; $0.category = .processingDelay; $0.description = "slow"
        }
        let first = try await customer.reportIssue(request)
        let again = try await customer.reportIssue(request)
        #expect(again == first)
        var other = request
        other.description = "something else"
        #expect(await statusCode { _ = try await customer.reportIssue(other) } == .alreadyExists)
        #expect(try await harness.counts()["issues"] == 1)
    }
}
