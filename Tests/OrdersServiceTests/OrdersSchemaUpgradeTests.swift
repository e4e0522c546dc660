import Foundation
import GRDB
import OrdersAPI
import OrdersService
import Outbox
import Runtime
import Storage
import Synchronization
import TestSupport
import Testing
import Wire

/// A database written before issue 15's migrations (runtime-7 to runtime-10, orders-3 and
/// orders-4: fewer b-trees per command) upgrades with everything in it: the same orders, issues,
/// idempotency records, outbox events (same numbers, same order, delivered or not: delivered ones
/// now in `outbox_delivered`), dead letters and case numbers; a retry of an old command gets its
/// stored answer; new events are numbered after every old pending or parked one; the open-issue
/// count and the listings by order and by customer read the new indexes; and the previous
/// release's statements still run on the upgraded database (replicas of both run together during
/// a rolling update), an event its relay marks delivered going out again and moving on. On SQLite
/// and on PostgreSQL.
@Suite struct OrdersSchemaUpgradeTests {
    /// The migrations issue 15 added.
    static let added: Set<String> = [
        "runtime-7-aggregate-sequence-without-rowid", "runtime-8-outbox-plain-rowid",
        "runtime-9-idempotency-in-insertion-order", "runtime-10-outbox-delivered-table",
        "orders-3-issues-by-order-with-state", "orders-4-customer-issues-through-orders",
    ]
    /// Every migration of an Orders database, in order.
    static let all = ServiceDatabase.runtimeTables + OrdersService.schema
    /// The migrations of a database written before them.
    static let before = all.filter { !added.contains($0.identifier) }

    @Test func anSQLiteDatabaseUpgradesWithEverythingInIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.upgrade { migrations in
            try ServiceDatabase(directory: directory, name: "orders", applying: migrations)
        }
        let database = try ServiceDatabase(directory: directory, name: "orders", applying: Self.all)
        defer { database.close() }
        let schema = try await database.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, COALESCE(sql, '') FROM sqlite_master").map {
                    ($0[0] as String, $0[1] as String)
                })
        }
        for gone in [
            "issues_by_state", "idempotency_created_at", "sqlite_autoindex_outbox_1",
            "sqlite_autoindex_aggregate_sequence_1", "outbox_rebuilt", "aggregate_sequence_rebuilt",
            "outbox_pending", "outbox_delivered_at", "issues_by_customer",
        ] {
            #expect(schema[gone] == nil, "\(gone) is still there")
        }
        #expect(schema["aggregate_sequence"]?.contains("WITHOUT ROWID") == true)
        #expect(schema["outbox"]?.contains("AUTOINCREMENT") == false)
        #expect(schema["outbox"]?.contains("delivered_at") == true, "kept for the previous release's replicas")
        for kept in ["outbox_delivered", "outbox_delivered_by_age", "issues_by_order", "orders_by_customer"] {
            #expect(schema[kept] != nil, "\(kept) is missing")
        }
        #expect(try await database.integrityCheck() == "ok")
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func aPostgreSQLDatabaseUpgradesWithEverythingInIt() async throws {
        let url = try await PostgresTestDatabase.create()
        try await Self.upgrade { migrations in
            try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 2),
                applying: migrations)
        }
        let database = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 1),
            applying: Self.all)
        let constraints = try await database.snapshot { db in
            try db.fetchRows(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'outbox'::regclass ORDER BY conname"
            ).map { try $0.string(0) }
        }
        #expect(constraints == ["outbox_pkey"], "the event_id unique constraint is dropped, the key kept")
        database.close()
        await PostgresTestDatabase.drop(url)
    }

    /// Writes a database with the migrations before issue 15, then opens it with all of them
    /// (`open` opens the same database with the migrations given) and checks that nothing was lost.
    static func upgrade(_ open: ([SchemaMigration]) async throws -> ServiceDatabase) async throws {
        let first = ReportIssueRequest.with {
            $0.idempotencyKey = "r-1"; $0.orderID = "o-1"; $0.category = .statusAnomaly; $0.description = "stuck"
        }
        var firstAnswer = OrdersAPI.Issue()
        var stored: Stored
        var listed: ListIssuesResponse
        var listedForCustomer: ListIssuesResponse
        var status: OrderStatusReply
        do {
            let harness = OrdersHarness(database: try await open(before), directory: "")
            defer { harness.database.close() }
            try await harness.importOrder(harness.order("o-1"))
            try await harness.importOrder(harness.order("o-2", customer: "customer-2"))
            let customer = try harness.client("customer-1", .customer)
            firstAnswer = try await customer.reportIssue(first)
            harness.clock.advance(60)
            for (key, order, client) in [
                ("r-2", "o-2", try harness.client("customer-2", .customer)), ("r-3", "o-1", customer),
            ] {
                _ = try await client.reportIssue(
                    ReportIssueRequest.with {
                        $0.idempotencyKey = key; $0.orderID = order; $0.category = .processingDelay
                        $0.description = "broken"
                    })
                harness.clock.advance(60)
            }
            _ = try await harness.agent().addIssueMessage(
                AddIssueMessageRequest.with {
                    $0.idempotencyKey = "m-1"; $0.issueID = firstAnswer.issueID; $0.text = "looking into it"
                })
            // Some events delivered, the newest parked (moved to the dead letters).
            try await harness.database.transaction { db in
                try db.execute("UPDATE outbox SET delivered_at = 1 WHERE sequence <= 2")
                try db.execute(
                    """
                    INSERT INTO outbox_dead_letter
                        (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, parked_at, failure)
                    SELECT sequence, event_id, aggregate_id, destination, payload, created_at, 1, 2, 'refused'
                    FROM outbox WHERE sequence = (SELECT MAX(sequence) FROM outbox)
                    """)
                try db.execute("DELETE FROM outbox WHERE sequence = (SELECT MAX(sequence) FROM outbox_dead_letter)")
            }
            stored = try await Stored.read(harness.database)
            listed = try await customer.listIssues(ListIssuesRequest.with { $0.orderID = "o-1" })
            listedForCustomer = try await customer.listIssues(ListIssuesRequest.with { $0.customerID = "customer-1" })
            status = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        }
        #expect(stored.outbox.count >= 8)
        #expect(stored.deadLetters.count == 1)
        #expect(listed.issues.count == 2)
        #expect(listedForCustomer.issues.count == 2)
        #expect(status.openIssueCount == 2)

        let harness = OrdersHarness(database: try await open(all), directory: "")
        defer { harness.database.close() }
        #expect(try await Stored.read(harness.database) == stored)
        let customer = try harness.client("customer-1", .customer)
        #expect(try await customer.reportIssue(first) == firstAnswer, "a retry gets the stored answer")
        #expect(try await Stored.read(harness.database) == stored, "and changes nothing")
        #expect(try await customer.listIssues(ListIssuesRequest.with { $0.orderID = "o-1" }) == listed)
        #expect(
            try await customer.listIssues(ListIssuesRequest.with { $0.customerID = "customer-1" }) == listedForCustomer)
        #expect(try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" }) == status)

        harness.clock.advance(3_600)
        let added = try await customer.reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "r-4"; $0.orderID = "o-1"; $0.category = .statusAnomaly; $0.description = "late"
            })
        let after = try await Stored.read(harness.database)
        let oldest = (stored.outbox + stored.deadLetters).map(\.sequence).max() ?? 0
        let new = after.outbox.filter { $0.sequence > oldest }
        #expect(Array(after.outbox.prefix(stored.outbox.count)) == stored.outbox)
        #expect(new.count == after.outbox.count - stored.outbox.count && !new.isEmpty)
        #expect(new.map(\.eventID) == new.indices.map { "orders:issue:\(added.issueID):\($0 + 1)" })
        #expect(after.cases["issue/\(added.issueID)"] == Int64(new.count))
        let relisted = try await customer.listIssues(ListIssuesRequest.with { $0.orderID = "o-1" })
        #expect(relisted.issues.map(\.issueID) == [added.issueID] + listed.issues.map(\.issueID))
        let relistedForCustomer = try await customer.listIssues(ListIssuesRequest.with { $0.customerID = "customer-1" })
        #expect(
            relistedForCustomer.issues.map(\.issueID) == [added.issueID] + listedForCustomer.issues.map(\.issueID))
        let restatus = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        #expect(restatus.openIssueCount == 3)
        try await previousReleaseStillRuns(on: harness.database)
    }

    /// The previous release's relay, backlog count, pruning and customer listing run on the
    /// upgraded database; an event its relay marked delivered is delivered again by this
    /// release's relay (Oversight drops it by id) and moved out of the outbox.
    static func previousReleaseStillRuns(on database: ServiceDatabase) async throws {
        let marked = try await database.transaction { db -> String? in
            let pending = try db.fetchRows(
                """
                SELECT sequence, event_id FROM outbox WHERE destination = ? AND delivered_at IS NULL
                ORDER BY sequence LIMIT ?
                """, ["oversight", 200])
            guard let first = pending.first else { return nil }
            try db.execute("UPDATE outbox SET delivered_at = ? WHERE sequence = ?", [1.0, try first.int64(0)])
            _ = try db.fetchCount(
                "SELECT COUNT(*) FROM outbox WHERE destination = ? AND delivered_at IS NULL", ["oversight"])
            try db.execute(
                """
                DELETE FROM outbox WHERE sequence IN
                (SELECT sequence FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ? LIMIT ?)
                """, [0.5, 5_000])
            _ = try db.fetchRows(
                "SELECT issue_id FROM issues WHERE customer_id = ? ORDER BY reported_at DESC, issue_id DESC LIMIT ?",
                ["customer-1", 10])
            return try first.string(1)
        }
        let markedID = try #require(marked)
        let delivered = Mutex<[String]>([])
        let relay = OutboxRelay(database: database, destination: "oversight") { batch in
            delivered.withLock { $0 += batch.map(\.eventID) }
        }
        while try await relay.deliverOneBatch() > 0 {}
        #expect(delivered.withLock { $0.contains(markedID) })
        let left = try await database.snapshot { db in
            (
                try db.fetchCount("SELECT COUNT(*) FROM outbox"),
                try db.fetchCount("SELECT COUNT(*) FROM outbox_delivered WHERE event_id = ?", [markedID])
            )
        }
        #expect(left.0 == 0 && left.1 == 1, "\(left)")
    }

    /// What the runtime tables hold, in order.
    struct Stored: Equatable {
        /// An outbox event or dead letter: its number, id, and whether it was delivered.
        struct Event: Equatable {
            let sequence: Int64
            let eventID: String
            let delivered: Bool
        }

        var outbox: [Event] = []
        var deadLetters: [Event] = []
        var cases: [String: Int64] = [:]
        var idempotency: [String: [UInt8]] = [:]

        static func read(_ database: ServiceDatabase) async throws -> Stored {
            try await database.snapshot { db in
                var stored = Stored()
                stored.outbox = try db.fetchRows(
                    hasDeliveredTable(db)
                        ? """
                        SELECT sequence, event_id, delivered FROM (
                            SELECT sequence, event_id, 1 AS delivered FROM outbox_delivered
                            UNION ALL SELECT sequence, event_id, 0 FROM outbox) AS events
                        ORDER BY sequence
                        """
                        : """
                        SELECT sequence, event_id, CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END FROM outbox
                        ORDER BY sequence
                        """
                ).map { Event(sequence: try $0.int64(0), eventID: try $0.string(1), delivered: try $0.bool(2)) }
                stored.deadLetters = try db.fetchRows(
                    "SELECT sequence, event_id FROM outbox_dead_letter ORDER BY sequence"
                ).map { Event(sequence: try $0.int64(0), eventID: try $0.string(1), delivered: false) }
                for row in try db.fetchRows("SELECT aggregate_id, last_sequence FROM aggregate_sequence") {
                    stored.cases[try row.string(0)] = try row.int64(1)
                }
                for row in try db.fetchRows("SELECT key, response FROM idempotency") {
                    stored.idempotency[try row.string(0)] = try row.bytes(1)
                }
                return stored
            }
        }

        /// Whether runtime-10 has run: delivered events have a table of their own.
        static func hasDeliveredTable(_ db: any SQLConnection) throws -> Bool {
            let sql =
                db.sqlDialect == .sqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_delivered'"
                : "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'outbox_delivered'"
            return try db.fetchCount(sql) > 0
        }
    }
}
