import Foundation
import GRDB
import OrdersAPI
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// A full disk is RESOURCE_EXHAUSTED with a message saying so, not UNKNOWN; reads go on, and writes succeed again once there is room. The disk is made full for
/// real, for SQLite: `PRAGMA max_page_count` on the writer's connection caps the file at its size.
@Suite struct OrdersFullDiskTests {
    @Test func aFullDiskIsResourceExhaustedAndWritesResumeWhenThereIsRoom() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        try await harness.database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        var full: RPCError?
        for index in 0..<200 where full == nil {
            full = await rpcError { try await harness.importOrder(harness.order("full-\(index)")) }
        }
        #expect(full?.code == .resourceExhausted)
        #expect(full?.message.contains("storage is full") == true, "\(String(describing: full))")
        let stored = try await harness.counts()["orders"] ?? 0
        #expect(
            try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-1" }).orderID == "o-1",
            "reads go on while the disk is full")

        try await harness.database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        try await harness.importOrder(harness.order("after-room"))
        #expect(try await harness.counts()["orders"] == stored + 1)
    }
}
