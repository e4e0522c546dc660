import CommonAPI
import Foundation
import GRDB
import OrdersAPI
import OrdersService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// The Orders store on both backends: the same calls give the same answers on SQLite and on
/// PostgreSQL (one SQL model, written once), two replicas on one PostgreSQL database lose no
/// concurrent change, and an older SQLite file whose orders and issues were stored as protobuf
/// bodies is converted to the column model with nothing lost.
@Suite struct OrdersBackendTests {
    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func theSameCallsGiveTheSameAnswersOnSQLiteAndPostgreSQL() async throws {
        let sqlite = try OrdersHarness()
        let postgres = try await OrdersHarness.postgres()
        // Issue ids are random: each is replaced by a token of the same length naming its place.
        let (sqliteAnswers, sqliteIDs) = try await Self.journey(sqlite)
        let (postgresAnswers, postgresIDs) = try await Self.journey(postgres)
        let onSQLite = sqliteAnswers.map { Self.normalized($0, sqliteIDs) }
        let onPostgres = postgresAnswers.map { Self.normalized($0, postgresIDs) }
        #expect(onSQLite.count == onPostgres.count)
        for (index, (left, right)) in zip(onSQLite, onPostgres).enumerated() {
            #expect(left == right, "answer \(index) differs between SQLite and PostgreSQL")
        }
        let sqliteEvents = try await sqlite.outboxEvents().map { Self.normalized($0.serializedBytes(), sqliteIDs) }
        let postgresEvents = try await postgres.outboxEvents().map {
            Self.normalized($0.serializedBytes(), postgresIDs)
        }
        #expect(sqliteEvents == postgresEvents)
        #expect(sqliteEvents.count >= 10)
        #expect(try await sqlite.counts() == postgres.counts())
        #expect(try await postgres.counts()["issue_log"] ?? 0 >= 8)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func twoReplicasOnOnePostgreSQLDatabaseLoseNoConcurrentChange() async throws {
        let url = try await PostgresTestDatabase.create()
        let first = OrdersHarness(
            database: try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: OrdersService.schema),
            directory: "")
        let second = OrdersHarness(
            database: try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: OrdersService.schema),
            directory: "")
        try await first.importOrder(first.order("o-1"))
        let issue = try await first.client("customer-1", .customer).reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "r-1"; $0.orderID = "o-1"; $0.category = .processingDelay
                $0.description = "slow"
            })
        let replicas = [first, second]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let replica = replicas[index % 2]
                group.addTask {
                    _ = try await replica.agent().addIssueMessage(
                        AddIssueMessageRequest.with {
                            $0.idempotencyKey = "m-\(index)"; $0.issueID = issue.issueID; $0.text = "message \(index)"
                        })
                }
            }
            try await group.waitForAll()
        }
        // One key retried through both replicas at once: one effect.
        let retried = AddIssueMessageRequest.with {
            $0.idempotencyKey = "same"; $0.issueID = issue.issueID; $0.text = "once"
        }
        let answers = try await withThrowingTaskGroup(of: OrdersAPI.Issue.self) { group in
            for index in 0..<6 {
                let replica = replicas[index % 2]
                group.addTask { try await replica.agent().addIssueMessage(retried) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers.map { $0.serializedBytes() }).count == 1)
        let stored = try await second.agent().getIssue(GetIssueRequest.with { $0.issueID = issue.issueID })
        #expect(stored.messages.count == 21)
        #expect(Set(stored.messages.map(\.text)) == Set((0..<20).map { "message \($0)" } + ["once"]))
        #expect(stored.log.map { Int($0.sequence) } == Array(1...stored.log.count))
        let events = try await first.outboxEvents()
        #expect(Set(events.map(\.eventID)).count == events.count)
        let issueEvents = events.filter { $0.aggregateID == issue.issueID }.map(\.aggregateSequence)
        #expect(issueEvents == (1...Int64(issueEvents.count)).map { $0 })
    }

    @Test func anOlderSQLiteFileWithProtobufBodiesIsConvertedWithNothingLost() async throws {
        // Run the journey on the current model, keep its answers, then write the same orders and
        // issues into a file of the body model (orders-1 only) and open it with every migration.
        let current = try OrdersHarness()
        _ = try await Self.journey(current)
        let agent = try current.agent()
        let orders = try await ["o-1", "o-2"].asyncMap { id in
            try await agent.getOrder(GetOrderRequest.with { $0.orderID = id })
        }
        let issues =
            try await agent.listIssues(ListIssuesRequest.with { $0.orderID = "o-1" }).issues
            + agent.listIssues(ListIssuesRequest.with { $0.orderID = "o-2" }).issues
        #expect(issues.count >= 3)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-v1-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = try ServiceDatabase(
            directory: directory, name: "orders", schema: Array(OrdersService.schema.prefix(1)))
        try await old.write { db in
            for order in orders {
                try db.execute(
                    sql: "INSERT INTO orders (order_id, customer_id, placed_at, status, body) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        order.orderID, order.customerID, Double(order.placedAt?.seconds ?? 0), order.status.rawValue,
                        Data(order.serializedBytes()),
                    ])
            }
            for issue in issues {
                try db.execute(
                    sql: """
                        INSERT INTO issues (issue_id, order_id, customer_id, state, reported_at, body)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        issue.issueID, issue.orderID, issue.customerID, issue.state.rawValue,
                        Double(issue.reportedAt?.seconds ?? 0), Data(issue.serializedBytes()),
                    ])
            }
        }
        old.close()

        let converted = OrdersHarness(
            database: try ServiceDatabase(directory: directory, name: "orders", schema: OrdersService.schema),
            directory: "")
        let convertedAgent = try converted.agent()
        for order in orders {
            #expect(try await convertedAgent.getOrder(GetOrderRequest.with { $0.orderID = order.orderID }) == order)
        }
        for issue in issues {
            #expect(try await convertedAgent.getIssue(GetIssueRequest.with { $0.issueID = issue.issueID }) == issue)
        }
        let tables = try await converted.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(!tables.contains("orders_v1") && !tables.contains("issues_v1"))
        #expect(try await converted.counts()["issue_log"] ?? 0 >= 8)
    }

    /// Calls that touch every part of the model (lines, payments, tracking events out of order,
    /// address correction, adjustment, an issue's whole life, a dispute with attachments) and
    /// the encoded answers of the reads after them.
    static func journey(_ harness: OrdersHarness) async throws -> (answers: [[UInt8]], issueIDs: [String]) {
        var answers: [[UInt8]] = []
        try await harness.importOrder(harness.order("o-1"))
        try await harness.importOrder(harness.order("o-2", daysAgo: 3))
        try await harness.track("o-2", .pickedUp, hoursAgo: 30)
        try await harness.track("o-2", .inTransit, hoursAgo: 10)
        try await harness.track("o-2", .labelCreated, hoursAgo: 40)
        let customer = try harness.client("customer-1", .customer)
        let agent = try harness.agent()
        let reported = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "r-1"; $0.orderID = "o-2"; $0.category = .shippingAnomaly
                $0.description = "The box arrived crushed"
            })
        _ = try await customer.addIssueMessage(
            AddIssueMessageRequest.with {
                $0.idempotencyKey = "m-1"; $0.issueID = reported.issueID; $0.text = "photo?"
            })
        _ = try await agent.classifyIssue(
            ClassifyIssueRequest.with {
                $0.idempotencyKey = "c-1"; $0.issueID = reported.issueID; $0.cause = .shipping; $0.note = "carrier"
            })
        _ = try await agent.resolveIssue(
            ResolveIssueRequest.with {
                $0.idempotencyKey = "s-1"; $0.issueID = reported.issueID; $0.note = "sent"
            })
        _ = try await customer.closeIssue(
            CloseIssueRequest.with {
                $0.idempotencyKey = "z-1"; $0.issueID = reported.issueID
            })
        harness.advance(days: 1.0 / 1_440)  // a minute: lists of issues sort by time, ids are random
        let dispute = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "d-1"; $0.orderID = "o-1"; $0.category = .dispute; $0.description = "charged twice"
            })
        _ = try await customer.submitDisputeEvidence(
            SubmitDisputeEvidenceRequest.with {
                $0.idempotencyKey = "e-1"; $0.issueID = dispute.issueID; $0.party = .customer
                $0.statement = "bank statement";
                $0.attachmentUris = ["https://files.example/a.pdf", "https://files.example/b.png"]
            })
        _ = try await agent.submitDisputeEvidence(
            SubmitDisputeEvidenceRequest.with {
                $0.idempotencyKey = "e-2"; $0.issueID = dispute.issueID; $0.party = .merchant; $0.statement = "log"
            })
        _ = try await agent.decideDispute(
            DecideDisputeRequest.with {
                $0.idempotencyKey = "dd"; $0.issueID = dispute.issueID; $0.outcome = .settled; $0.rationale = "both"
            })
        let newAddress = OrdersAPI.Address.with {
            $0.recipient = "Ana Lima"; $0.line1 = "Rua B 2"; $0.city = "Porto"; $0.postalCode = "4000-001"
            $0.countryCode = "PT"
        }
        harness.advance(days: 1.0 / 1_440)
        let corrected = try await customer.correctAddress(
            CorrectAddressRequest.with {
                $0.idempotencyKey = "a-2"; $0.orderID = "o-2"; $0.address = newAddress
            })
        answers.append(corrected.serializedBytes())
        guard case .redirectIssue(let redirect) = corrected.outcome else {
            Issue.record("expected a redirect issue, got \(String(describing: corrected.outcome))")
            return ([], [])
        }
        answers.append(
            try await customer.adjustOrder(
                AdjustOrderRequest.with {
                    $0.idempotencyKey = "j-1"; $0.orderID = "o-1"; $0.customerNote = "leave at the door"
                    $0.lines = [
                        OrdersAPI.LineAdjustment.with {
                            $0.lineNumber = 1; $0.quantity = 1
                        }
                    ]
                }
            ).serializedBytes())
        harness.advance(days: 1.0 / 1_440)
        let waiting = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "w-1"; $0.orderID = "o-2"; $0.category = .trackingNotUpdated
                $0.description = "No news since the redirect"
            })
        var openIssues: [Int32] = []
        for id in ["o-1", "o-2"] {
            answers.append(try await agent.getOrder(GetOrderRequest.with { $0.orderID = id }).serializedBytes())
            let issues = try await agent.listIssues(ListIssuesRequest.with { $0.orderID = id })
            answers.append(issues.serializedBytes())
            // The status counts the order's issues awaiting an outcome, as its list shows them.
            let status = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = id })
            answers.append(status.serializedBytes())
            let awaiting = issues.issues.filter { [.open, .classified, .mediation].contains($0.state) }
            #expect(status.openIssueCount == Int32(awaiting.count), "order \(id)")
            openIssues.append(status.openIssueCount)
        }
        #expect(openIssues.contains(0) && openIssues.contains { $0 > 0 }, "\(openIssues)")
        answers.append(
            try await customer.listOrders(ListOrdersRequest.with { $0.customerID = "customer-1" }).serializedBytes())
        answers.append(
            try await customer.listIssues(ListIssuesRequest.with { $0.customerID = "customer-1" }).serializedBytes())
        return (answers, [reported.issueID, dispute.issueID, redirect.issueID, waiting.issueID])
    }

    /// `bytes` with each of `ids` replaced by a token of the same length naming its place, so that
    /// answers with random ids compare (the encoding stays valid: lengths do not change).
    static func normalized(_ bytes: [UInt8], _ ids: [String]) -> [UInt8] {
        var result = bytes
        for (place, id) in ids.enumerated() {
            let pattern = Array(id.utf8)
            let number = "\(place)"
            let padding = String(repeating: "0", count: max(0, pattern.count - 1 - number.count))
            let token = Array("#\(padding)\(number)".utf8)
            var index = 0
            while index + pattern.count <= result.count {
                if Array(result[index..<index + pattern.count]) == pattern {
                    result.replaceSubrange(index..<index + pattern.count, with: token)
                    index += pattern.count
                } else {
                    index += 1
                }
            }
        }
        return result
    }
}

extension Array {
    /// The results of `transform` on each element, in order.
    fileprivate func asyncMap<Result>(_ transform: (Element) async throws -> Result) async rethrows -> [Result] {
        var results: [Result] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
