import Foundation
import GRDB
import MetricsTestKit
import Outbox
import RPC
import Storage
import Synchronization
import Testing

@testable import Runtime

/// The relay never stalls behind one event: what the receiver refuses for good is split out and
/// parked as a dead letter (with its metrics), everything around it is delivered in order, and a
/// failure worth retrying still leaves the batch pending.
@Suite struct OutboxDeadLetterTests {
    /// A receiver that refuses some event ids for good and records what it accepted; it refuses a
    /// whole batch as soon as one of its events is refused (as Oversight does).
    final class Receiver: Sendable {
        let refused: Set<String>
        let refusal: StatusCode
        let accepted = Mutex<[String]>([])
        let calls = Mutex(0)

        init(refusing refused: Set<String>, with refusal: StatusCode = .invalidArgument) {
            self.refused = refused
            self.refusal = refusal
        }

        @Sendable func deliver(_ batch: [OutboxMessage]) throws {
            calls.withLock { $0 += 1 }
            if let bad = batch.first(where: { refused.contains($0.eventID) }) {
                throw RPCError(refusal, "event \(bad.eventID) is refused")
            }
            accepted.withLock { $0 += batch.map(\.eventID) }
        }
    }

    static func database(events: Int) async throws -> (ServiceDatabase, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dead-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        try await database.write { db in
            for index in 1...events {
                try Outbox.enqueue(
                    eventID: "e\(index)", aggregateID: "case-\(index % 2)", destination: "oversight",
                    payload: [UInt8(index)], in: db)
            }
        }
        return (database, directory)
    }

    @Test(arguments: [StatusCode.invalidArgument, .failedPrecondition, .permissionDenied])
    func refusedEventsAreParkedAndEverythingElseArrivesInOrder(_ refusal: StatusCode) async throws {
        let (database, directory) = try await Self.database(events: 20)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let receiver = Receiver(refusing: ["e4", "e13"], with: refusal)
        let metrics = TestMetrics()
        let relay = OutboxRelay(
            database: database, destination: "oversight", batchSize: 8, metrics: metrics, deliver: receiver.deliver)

        var left = 0
        for _ in 0..<10 { left += try await relay.deliverOneBatch() }

        #expect(left == 20)
        #expect(receiver.accepted.withLock { $0 } == (1...20).filter { $0 != 4 && $0 != 13 }.map { "e\($0)" })
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 0)
        #expect(try await database.read { db in try Outbox.deadLetterIDs(for: "oversight", in: db) } == ["e4", "e13"])
        let failure = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT failure FROM outbox_dead_letter WHERE event_id = 'e4'")
        }
        #expect(failure?.contains("event e4 is refused") == true)
        #expect(try metrics.expectCounter("outbox_dead_letters_total", [("destination", "oversight")]).totalValue == 2)
        #expect(try metrics.expectGauge("outbox_dead_letters", [("destination", "oversight")]).lastValue == 2)
    }

    @Test func aFailureWorthRetryingParksNothingAndKeepsTheBatch() async throws {
        let (database, directory) = try await Self.database(events: 5)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        for code in [StatusCode.unavailable, .deadlineExceeded, .unauthenticated, .internal] {
            let receiver = Receiver(refusing: ["e2"], with: code)
            let relay = OutboxRelay(database: database, destination: "oversight", deliver: receiver.deliver)
            await #expect(throws: RPCError.self) { try await relay.deliverOneBatch() }
            #expect(receiver.calls.withLock { $0 } == 1, "\(code) was split instead of retried")
        }
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 5)
        #expect(try await database.read { db in try Outbox.deadLetterCount(for: "oversight", in: db) } == 0)
        let attempts = try await database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(attempts) FROM outbox") }
        #expect(attempts == 4)
    }

    /// RESOURCE_EXHAUSTED is split like a refusal (a batch over the receiver's size limit passes
    /// in halves) but parks only an event larger than a batch may be (the receiver's size limit;
    /// `OversightSafetyTests` parks one): a receiver whose buffers are full (a peer filling them)
    /// or whose disk is full answers it too, and events of ordinary size must arrive once it
    /// recovers.
    @Test func aFullReceiverParksNothingAndGetsEveryEventOnceItRecovers() async throws {
        let (database, directory) = try await Self.database(events: 12)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let full = Mutex(true)
        let accepted = Mutex<[String]>([])
        let relay = OutboxRelay(database: database, destination: "oversight", batchSize: 8) { batch in
            if full.withLock({ $0 }) {
                throw RPCError(.resourceExhausted, "the server is buffering too many request bytes; retry later")
            }
            accepted.withLock { $0 += batch.map(\.eventID) }
        }
        for _ in 0..<3 { await #expect(throws: RPCError.self) { try await relay.deliverOneBatch() } }
        #expect(try await database.read { db in try Outbox.deadLetterCount(for: "oversight", in: db) } == 0)
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 12)

        full.withLock { $0 = false }
        while try await relay.deliverOneBatch() > 0 {}
        #expect(accepted.withLock { $0 } == (1...12).map { "e\($0)" })
        #expect(try await database.read { db in try Outbox.deadLetterCount(for: "oversight", in: db) } == 0)
    }

    /// The outbox numbers events itself on SQLite (no AUTOINCREMENT since runtime-8): an event
    /// added after the newest one was parked, or after every delivered one was pruned, still gets
    /// a number of its own, after every other, so it parks too and arrives in order.
    @Test func anEventAddedAfterTheNewestWasParkedIsNumberedAfterIt() async throws {
        let (database, directory) = try await Self.database(events: 2)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let receiver = Receiver(refusing: ["e2", "e3"])
        let relay = OutboxRelay(database: database, destination: "oversight", deliver: receiver.deliver)
        #expect(try await relay.deliverOneBatch() == 2)
        try await database.write { db in
            try Outbox.enqueue(eventID: "e3", aggregateID: "case-1", destination: "oversight", payload: [3], in: db)
        }
        #expect(try await relay.deliverOneBatch() == 1)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM outbox_delivered")  // as retention prunes them
            try Outbox.enqueue(eventID: "e4", aggregateID: "case-0", destination: "oversight", payload: [4], in: db)
        }
        #expect(try await relay.deliverOneBatch() == 1)
        #expect(receiver.accepted.withLock { $0 } == ["e1", "e4"])
        let parked = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, event_id FROM outbox_dead_letter ORDER BY sequence").map {
                "\($0[0] as Int64) \($0[1] as String)"
            }
        }
        #expect(parked == ["2 e2", "3 e3"])
        let delivered = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT sequence FROM outbox_delivered WHERE event_id = 'e4'")
        }
        #expect(delivered == 4)
    }

    @Test func batchesAreBoundedByPayloadBytes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dead-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await database.write { db in
            for index in 1...5 {
                try Outbox.enqueue(
                    eventID: "e\(index)", aggregateID: "case", destination: "oversight",
                    payload: [UInt8](repeating: 7, count: 400), in: db)
            }
        }
        let sizes = Mutex<[Int]>([])
        let relay = OutboxRelay(database: database, destination: "oversight", maximumBatchBytes: 1_000) { batch in
            sizes.withLock { $0.append(batch.count) }
        }
        while try await relay.deliverOneBatch() > 0 {}
        #expect(sizes.withLock { $0 } == [2, 2, 1])
    }
}
