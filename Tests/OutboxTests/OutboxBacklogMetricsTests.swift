import Foundation
import MetricsTestKit
import Outbox
import RPC
import Storage
import Synchronization
import Testing

@testable import Runtime

/// The `outbox_pending` gauge says how many events wait for the receiver: it grows while the
/// receiver is down (the relay keeps looking) and falls to zero as batches are delivered.
@Suite struct OutboxBacklogMetricsTests {
    @Test func theBacklogIsMeasuredWhileTheReceiverIsDownAndAsItDrains() async throws {
        let (database, directory) = try await OutboxDeadLetterTests.database(events: 20)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let down = Mutex(true)
        let metrics = TestMetrics()
        let relay = OutboxRelay(
            database: database, destination: "oversight", batchSize: 8, metrics: metrics
        ) { _ in
            if down.withLock({ $0 }) { throw RPCError(.unavailable, "oversight is down") }
        }
        func backlog() throws -> Int64? {
            try metrics.expectGauge("outbox_pending", [("destination", "oversight")]).lastValue.map { Int64($0) }
        }

        await #expect(throws: RPCError.self) { try await relay.deliverOneBatch() }
        #expect(try backlog() == 20)
        try await database.write { db in
            try Outbox.enqueue(eventID: "late", aggregateID: "case-9", destination: "oversight", payload: [1], in: db)
        }
        await #expect(throws: RPCError.self) { try await relay.deliverOneBatch() }
        #expect(try backlog() == 21)

        down.withLock { $0 = false }
        var seen: [Int64] = []
        while try await relay.deliverOneBatch() > 0 {
            seen.append(try #require(try backlog()))
        }
        seen.append(try #require(try backlog()))
        #expect(seen == [21, 13, 5, 0])
    }
}
