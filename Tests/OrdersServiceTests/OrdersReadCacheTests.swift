import Foundation
import OrdersAPI
import OrdersService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// On SQLite, GetOrder and GetOrderStatus answer a repeated read from what the service kept
/// (``OrderReadCache``) until a command writes the order or one of its issues; customers still
/// see only their own orders; a database that keeps no reads (PostgreSQL, or a budget of 0)
/// answers every read from the database. A change written to the file behind the service's back
/// shows which reads were kept: a kept read does not see it, a fresh one does.
@Suite struct OrdersReadCacheTests {
    /// Sets order `id`'s note directly in the database, as no command would.
    static func noteBehindTheServicesBack(_ harness: OrdersHarness, _ id: String, _ note: String) async throws {
        try await harness.database.transaction { db in
            try db.execute("UPDATE orders SET customer_note = ? WHERE order_id = ?", [note, id])
        }
    }

    static func status(_ client: Orders.Client, _ id: String) async throws -> OrderStatusReply {
        try await client.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = id })
    }

    static func order(_ client: Orders.Client, _ id: String) async throws -> OrdersAPI.Order {
        try await client.getOrder(GetOrderRequest.with { $0.orderID = id })
    }

    @Test func aRepeatedReadIsKeptUntilACommandWritesTheOrder() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.importOrder(harness.order("o-2"))
        let customer = try harness.client("customer-1", .customer)
        #expect(try await Self.order(customer, "o-1").customerNote == "")
        #expect(try await Self.status(customer, "o-1").latestEvent == nil)
        try await Self.noteBehindTheServicesBack(harness, "o-1", "changed behind its back")
        try await Self.noteBehindTheServicesBack(harness, "o-2", "changed before its first read")
        // o-1 was kept; o-2 was never read, so its first read sees the file.
        #expect(try await Self.order(customer, "o-1").customerNote == "")
        #expect(try await Self.order(customer, "o-2").customerNote == "changed before its first read")

        // A command on o-1 ends what was kept of it, and of it only.
        try await harness.track("o-1", .pickedUp, hoursAgo: 2)
        try await Self.noteBehindTheServicesBack(harness, "o-2", "changed again")
        let order = try await Self.order(customer, "o-1")
        #expect(order.customerNote == "changed behind its back")
        #expect(order.trackingEvents.map(\.status) == [.pickedUp])
        #expect(try await Self.status(customer, "o-1").status == .shipped)
        #expect(try await Self.order(customer, "o-2").customerNote == "changed before its first read")
    }

    @Test func reportingAndResolvingAnIssueEndsTheKeptStatus() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.track("o-1", .pickedUp, hoursAgo: 30)
        let customer = try harness.client("customer-1", .customer)
        #expect(try await Self.status(customer, "o-1").openIssueCount == 0)
        let reported = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "report-1"; $0.orderID = "o-1"; $0.category = .shippingAnomaly
                $0.description = "The kettle arrived cracked."
            })
        #expect(try await Self.status(customer, "o-1").openIssueCount == 1)
        // The same command again is answered from its idempotency record: nothing changes.
        _ = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "report-1"; $0.orderID = "o-1"; $0.category = .shippingAnomaly
                $0.description = "The kettle arrived cracked."
            })
        #expect(try await Self.status(customer, "o-1").openIssueCount == 1)
        let agent = try harness.agent()
        _ = try await agent.classifyIssue(
            ClassifyIssueRequest.with {
                $0.idempotencyKey = "classify-1"; $0.issueID = reported.issueID; $0.cause = .shipping
                $0.note = "carrier damage"
            })
        #expect(try await Self.status(customer, "o-1").openIssueCount == 1)
        _ = try await agent.resolveIssue(
            ResolveIssueRequest.with {
                $0.idempotencyKey = "resolve-1"; $0.issueID = reported.issueID; $0.note = "sent"
            })
        #expect(try await Self.status(customer, "o-1").openIssueCount == 0)
    }

    @Test func aKeptOrderIsStillOnlyItsCustomers() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        _ = try await Self.order(harness.client("customer-1", .customer), "o-1")
        _ = try await Self.status(harness.agent(), "o-1")
        let other = try harness.client("customer-2", .customer)
        for read in [{ _ = try await Self.order(other, "o-1") }, { _ = try await Self.status(other, "o-1") }] {
            let error = await #expect(throws: RPCError.self) { try await read() }
            #expect(error?.code == .notFound)
        }
    }

    /// Swift's `==` on strings is canonical equivalence, under which the Kelvin sign (U+212A) is
    /// the letter K; SQLite compares ids byte for byte. A kept order answers only its own id.
    @Test func aKeptOrderDoesNotAnswerACanonicallyEquivalentId() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-K"))
        let customer = try harness.client("customer-1", .customer)
        #expect(try await Self.order(customer, "o-K").orderID == "o-K")
        #expect(try await Self.status(customer, "o-K").orderID == "o-K")
        for read in [
            { _ = try await Self.order(customer, "o-\u{212A}") }, { _ = try await Self.status(customer, "o-\u{212A}") },
        ] {
            let error = await #expect(throws: RPCError.self) { try await read() }
            #expect(error?.code == .notFound)
        }
        #expect(try await Self.order(customer, "o-K").orderID == "o-K")
    }

    /// Another service on the same database (as the RateTable test's replica): a command through
    /// either ends what both kept.
    @Test func servicesOnOneDatabaseShareWhatTheyKeep() async throws {
        let harness = try OrdersHarness()
        let other = OrdersHarness(database: harness.database, directory: "")
        try await harness.importOrder(harness.order("o-1"))
        let here = try harness.client("customer-1", .customer)
        let there = try other.client("customer-1", .customer)
        #expect(try await Self.status(here, "o-1").status == .placed)
        #expect(try await Self.status(there, "o-1").status == .placed)
        try await other.track("o-1", .delivered, hoursAgo: 1)
        #expect(try await Self.status(here, "o-1").status == .delivered)
        #expect(try await Self.status(there, "o-1").status == .delivered)
    }

    @Test func aBudgetOfZeroKeepsNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID())").path
        let harness = OrdersHarness(
            database: try ServiceDatabase(
                directory: directory, name: "orders", schema: OrdersService.schema, readCacheBudget: 0),
            directory: directory)
        try await Self.checkEveryReadSeesTheFile(harness)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func postgreSQLKeepsNothing() async throws {
        let harness = try await OrdersHarness.postgres()
        #expect(harness.database.readCacheBudget == 0)
        try await Self.checkEveryReadSeesTheFile(harness)
    }

    static func checkEveryReadSeesTheFile(_ harness: OrdersHarness) async throws {
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        #expect(try await Self.order(customer, "o-1").customerNote == "")
        try await Self.noteBehindTheServicesBack(harness, "o-1", "seen at once")
        #expect(try await Self.order(customer, "o-1").customerNote == "seen at once")
        #expect(try await Self.status(customer, "o-1").orderID == "o-1")
    }

    /// Reads of both kinds racing commands: once every command has answered, a read shows all of them, however
    /// the reads in flight interleaved with the commits (a read that began before a commit must
    /// not leave its older answer kept).
    @Test func readsRacingCommandsNeverLeaveAnOlderAnswerKept() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        let events = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<events {
                    try await harness.track("o-1", .inTransit, hoursAgo: Double(events - index) / 10, id: "e-\(index)")
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<200 { _ = try await Self.status(customer, "o-1") }
                }
                group.addTask {
                    for _ in 0..<200 { _ = try await Self.order(customer, "o-1") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await Self.order(customer, "o-1").trackingEvents.count == events)
        #expect(try await Self.status(customer, "o-1").latestEvent?.eventID == "e-\(events - 1)")
    }
}
