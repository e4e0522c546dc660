import Foundation
import GRDB
import OrdersAPI
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// What one `ReportIssue` commit writes to SQLite's write-ahead log, counted on a real file: the
/// WAL is truncated (`PRAGMA wal_checkpoint(TRUNCATE)`), one `ReportIssue` runs, and the WAL's
/// frame headers say which pages it wrote; SQLite's `dbstat` names the b-tree of each page. Each
/// page written is paid three times on the write path (copied into the WAL, written back by the
/// commit's fsync, copied again by the checkpoint), so the b-trees a command touches are its
/// cost (issue 15, `Benchmarks/service-profile.md`). The set of b-trees is deterministic and
/// checked; the frame counts vary with page splits and are printed
/// (`swift test --filter ReportIssueWALTests`), on today's schema and on the schema before
/// issue 15.
@Suite struct ReportIssueWALTests {
    /// Commands run first, so that the b-trees have grown past their first pages.
    static let warmUp = 150
    /// Commands measured, each alone in the WAL.
    static let measured = 60

    /// Run on the schema of today and on the schema before issue 15's migrations
    /// (``OrdersSchemaUpgradeTests/before``), so that one run gives both figures.
    @Test(arguments: [true, false])
    func oneReportIssueWritesOnlyTheseBTrees(upgraded: Bool) async throws {
        let harness = try Self.harness(upgraded: upgraded)
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        let pool = try harness.database.pool
        let walPath = "\(harness.directory)/orders.sqlite-wal"
        for number in 0..<Self.warmUp {
            _ = try await customer.reportIssue(Self.report(number))
            harness.clock.advance(1)
        }
        let statements = StatementLog()
        try await pool.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { statements.record(statement.sql) }
            }
        }
        var frames: [Int] = []
        var statementCounts: [Int] = []
        var firstStatements: [String] = []
        var headerFrames = 0
        var framesPerTree: [String: Int] = [:]
        var commandsPerTree: [String: Int] = [:]
        for number in Self.warmUp..<(Self.warmUp + Self.measured) {
            try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            #expect(try WALFrames(path: walPath).pages.isEmpty, "the checkpoint left the WAL empty")
            statements.clear()
            _ = try await customer.reportIssue(Self.report(number))
            harness.clock.advance(1)
            let executed = statements.taken
            statementCounts.append(executed.count)
            if firstStatements.isEmpty { firstStatements = executed }
            let wal = try WALFrames(path: walPath)
            #expect(wal.commits == 1, "one command, one commit")
            frames.append(wal.pages.count)
            let names = try await pool.read { db in
                try Dictionary(
                    Row.fetchAll(db, sql: "SELECT pageno, name FROM dbstat").map { row in
                        (row[0] as Int, row[1] as String)
                    }, uniquingKeysWith: { first, _ in first })
            }
            var trees: Set<String> = []
            for page in wal.pages {
                guard page != 1 else {
                    headerFrames += 1
                    continue
                }
                let name = names[page] ?? "(free list)"
                framesPerTree[name, default: 0] += 1
                trees.insert(name)
            }
            for tree in trees { commandsPerTree[tree, default: 0] += 1 }
        }
        let total = frames.reduce(0, +)
        let sizes = try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT AVG(LENGTH(response)), MAX(LENGTH(response)),
                        (SELECT AVG(LENGTH(payload)) FROM outbox) FROM idempotency
                    """)
        }
        var lines = [
            """
            ReportIssue WAL frames per commit (\(upgraded ? "today's schema" : "schema before issue 15")) over \
            \(Self.measured) commands (after \(Self.warmUp)): \
            mean \(String(format: "%.2f", Double(total) / Double(Self.measured))), \
            min \(frames.min() ?? 0), max \(frames.max() ?? 0); page 1 in \(headerFrames) commits
            """
        ]
        for (tree, count) in framesPerTree.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  \(tree): \(count) frames, in \(commandsPerTree[tree] ?? 0) of \(Self.measured) commits, "
                    + String(format: "%.2f per commit", Double(count) / Double(Self.measured)))
        }
        lines.append(
            "  stored response \(sizes?[0] as Double? ?? 0) bytes on average (at most \(sizes?[1] as Int? ?? 0)), "
                + "event payload \(sizes?[2] as Double? ?? 0)")
        lines.append(
            "  statements per command on the writer: \(Set(statementCounts).sorted()) (one command's, in order: "
                + firstStatements.map { $0.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ") }
                .joined(separator: " | ") + ")")
        print(lines.joined(separator: "\n"))
        #expect(
            Set(framesPerTree.keys).subtracting(["(free list)"])
                == (upgraded ? Self.expectedTrees : Self.expectedTreesBefore))
    }

    /// The service on a SQLite file of its own, with today's migrations or those before issue 15.
    static func harness(upgraded: Bool) throws -> OrdersHarness {
        guard !upgraded else { return try OrdersHarness() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID())").path
        return OrdersHarness(
            database: try ServiceDatabase(
                directory: directory, name: "orders", applying: OrdersSchemaUpgradeTests.before),
            directory: directory)
    }

    /// The b-trees every `ReportIssue` of a status anomaly writes (besides page 1, written when
    /// the file grows): the issue (its row, its order's index, its log entry and notification),
    /// its idempotency record (the row, the key's index) and its events (the rows, the case's
    /// number). Before issue 15 there were fifteen: `issues_by_state`, `issues_by_customer`,
    /// `idempotency_created_at`, the outbox's `event_id` index and pending index,
    /// `sqlite_sequence` and `aggregate_sequence`'s key index besides.
    static let expectedTrees: Set<String> = [
        "issues", "issues_by_order", "issue_log", "issue_notifications", "idempotency",
        "sqlite_autoindex_idempotency_1", "outbox", "aggregate_sequence",
    ]

    /// The same before issue 15's migrations.
    static let expectedTreesBefore = expectedTrees.union([
        "issues_by_state", "issues_by_customer", "idempotency_created_at", "sqlite_autoindex_outbox_1",
        "outbox_pending", "sqlite_sequence", "sqlite_autoindex_aggregate_sequence_1",
    ])

    /// The request of the service benchmark's write (`Benchmarks/service_bench.py`).
    static func report(_ number: Int) -> ReportIssueRequest {
        ReportIssueRequest.with {
            $0.idempotencyKey = "bench-\(UUID().uuidString.lowercased())-\(number)"
            $0.orderID = "o-1"
            $0.category = .statusAnomaly
            $0.description = "The status looks wrong."
        }
    }
}
