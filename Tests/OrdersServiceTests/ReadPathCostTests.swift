import Foundation
import GRDB
import OrdersAPI
import Testing
import Wire

@testable import OrdersService
@testable import Storage

/// What one order read costs, piece by piece, on a real SQLite file: a micro-measurement to run
/// by hand (`SUPPORT_MEASURE=1 swift test --filter ReadPathCostTests`), printing each piece's
/// cost relative to the whole store read. Debug build: Swift code is slower than in release, so
/// read the ratios, not the microseconds, and expect the Swift-side pieces overstated. It checks
/// that every way of reading returns the same order; the figures decide nothing.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SUPPORT_MEASURE"] == "1"))
struct ReadPathCostTests {
    @Test func piecesOfAnOrderRead() async throws {
        let harness = try OrdersHarness()
        _ = try await harness.importOrder(harness.order("o-1"))
        _ = try await harness.track("o-1", .pickedUp, hoursAgo: 30)
        _ = try await harness.track("o-1", .inTransit, hoursAgo: 20)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: "\(harness.directory)/orders.sqlite", configuration: configuration)
        let store = SQLOrderStore(database: harness.database, keepingReads: false)
        let expected = try #require(try await store.order(id: "o-1"))
        let oldSQL = "order_id = ?"
        let linesSQL = "SELECT * FROM order_lines WHERE order_id = ? ORDER BY position"
        let constantSQL = "SELECT \(OrderRows.columns) FROM orders WHERE order_id = ?"

        let pieces: [Piece] = [
            Piece("whole store read (hand-off to a read thread, read, back)") {
                let order = try await store.order(id: "o-1")
                #expect(order == expected)
            },
            Piece("read in a transaction of cached BEGIN/COMMIT (now)") {
                let order = try ServiceDatabase.readTransaction(on: queue) { db in
                    try OrderRows.order(id: "o-1", locking: false, in: db)
                }
                #expect(order == expected)
            },
            Piece("read in GRDB's DatabaseQueue.read (before)") {
                let order = try queue.read { db in try OrderRows.order(id: "o-1", locking: false, in: db) }
                #expect(order == expected)
            },
            Piece("read without a transaction (a snapshot per statement)") {
                let order = try queue.inDatabase { db in try OrderRows.order(id: "o-1", locking: false, in: db) }
                #expect(order == expected)
            },
            Piece("GetOrderStatus's read, whole order (before)") {
                _ = try ServiceDatabase.readTransaction(on: queue) { db in
                    let order = try OrderRows.order(id: "o-1", locking: false, in: db)
                    return (order, try db.fetchCount("SELECT COUNT(*) FROM issues WHERE order_id = ?", ["o-1"]))
                }
            },
            Piece("GetOrderStatus's read, row and tracking events, the count a third statement (before)") {
                _ = try ServiceDatabase.readTransaction(on: queue) { db in
                    let order = try OrderRows.load(
                        db.fetchRows(constantSQL, ["o-1"]), withLinesAndPayments: false, in: db
                    ).first
                    return (order, try db.fetchCount("SELECT COUNT(*) FROM issues WHERE order_id = ?", ["o-1"]))
                }
            },
            Piece("GetOrderStatus's read, the count a column of the order's row (now)") {
                _ = try ServiceDatabase.readTransaction(on: queue) { db in
                    try OrderRows.orderStatusWithOpenIssueCount(id: "o-1", in: db)
                }
            },
            Piece("empty transaction, cached BEGIN/COMMIT") {
                try ServiceDatabase.readTransaction(on: queue) { _ in }
            },
            Piece("empty GRDB DatabaseQueue.read") { try queue.read { _ in } },
            Piece("orders row, SQL constant") {
                _ = try queue.inDatabase { db in
                    try db.fetchRows(constantSQL, ["o-1"])
                }
            },
            Piece("orders row, SQL built per call (before)") {
                _ = try queue.inDatabase { db in
                    try db.fetchRows(
                        "SELECT \(OrderRows.columns) FROM orders WHERE \(oldSQL)\(db.sqlDialect.forUpdate)", ["o-1"]
                    )
                }
            },
            Piece("order lines, columns read off the statement (now)") {
                _ = try queue.inDatabase { db in try db.fetchRows(linesSQL, ["o-1"]) }
            },
            Piece("order lines, columns decoded through GRDB's Row (before)") {
                _ = try queue.inDatabase { db in
                    let cursor = try Row.fetchCursor(db.cachedStatement(sql: linesSQL), arguments: ["o-1"])
                    var rows: [[DatabaseValue]] = []
                    while let row = try cursor.next() {
                        var values: [DatabaseValue] = []
                        for index in 0..<row.count {
                            let value: DatabaseValue = row[index]
                            values.append(value)
                        }
                        rows.append(values)
                    }
                    return rows
                }
            },
            Piece("translation to the wire type and encoding") { _ = expected.wire.serializedBytes() },
        ]
        let calls = 200
        let rounds = 15
        var perCall: [[Double]] = Array(repeating: [], count: pieces.count)
        for round in 0..<rounds {
            for offset in 0..<pieces.count {
                let index = (offset + round) % pieces.count
                let start = ContinuousClock.now
                for _ in 0..<calls { try await pieces[index].body() }
                let elapsed = ContinuousClock.now - start
                perCall[index].append(elapsed / .nanoseconds(1) / Double(calls))
            }
        }
        let medians = perCall.map { $0.sorted()[rounds / 2] }
        for (index, piece) in pieces.enumerated() {
            let ratio = medians[index] / medians[0]
            print("read-path cost: \(piece.name): \(String(format: "%.2f", ratio)) of the whole")
        }
    }

    /// One piece measured: its name and one call of it.
    struct Piece {
        let name: String
        let body: () async throws -> Void

        init(_ name: String, _ body: @escaping () async throws -> Void) {
            self.name = name
            self.body = body
        }
    }
}
