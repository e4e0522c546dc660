import Foundation
import GRDB
import Outbox
import Storage
import Testing

@testable import Runtime

/// The outbox on a real SQLite file: with the receiver down, events accumulate and none is lost;
/// once it is up, every event arrives exactly once, in order per aggregate.
@Suite struct OutboxRelayTests {
    /// A receiver that can be down, and that drops event ids it has already recorded.
    actor Receiver {
        var isUp = false
        var received: [OutboxMessage] = []
        var seen: Set<String> = []
        var refusals = 0

        func setUp(_ up: Bool) { isUp = up }

        func accept(_ batch: [OutboxMessage]) throws {
            guard isUp else {
                refusals += 1
                throw CancellationError()
            }
            for message in batch where seen.insert(message.eventID).inserted { received.append(message) }
        }
    }

    @Test func eventsWaitWhileTheReceiverIsDownAndAllArriveOnceAfterwards() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(
            directory: directory, name: "test",
            migrations: [("test-1", { db in try db.execute(sql: "CREATE TABLE changes (id INTEGER PRIMARY KEY)") })])
        for index in 0..<60 {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO changes DEFAULT VALUES")
                try Outbox.enqueue(
                    eventID: "event-\(index)", aggregateID: "aggregate-\(index % 3)", destination: "oversight",
                    payload: [UInt8(index)], in: db)
            }
        }
        let receiver = Receiver()
        let relay = OutboxRelay(
            database: database, destination: "oversight", batchSize: 7, idleDelay: .milliseconds(20),
            maximumBackoff: .milliseconds(100)
        ) { batch in try await receiver.accept(batch) }
        let running = Task { await relay.run() }
        defer { running.cancel() }

        var waited = 0
        while await receiver.refusals < 3, waited < 500 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(await receiver.received.isEmpty)
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 60)

        await receiver.setUp(true)
        while await receiver.received.count < 60, waited < 1_000 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        let received = await receiver.received
        #expect(received.count == 60)
        #expect(Set(received.map(\.eventID)).count == 60)
        for aggregate in 0..<3 {
            let sequences = received.filter { $0.aggregateID == "aggregate-\(aggregate)" }.map(\.sequence)
            #expect(sequences == sequences.sorted(), "aggregate-\(aggregate) arrived out of order")
        }
        // The relay marks a batch delivered just after the receiver accepted it.
        var pending = -1
        while pending != 0, waited < 1_500 {
            pending = try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) }
            if pending != 0 { try await Task.sleep(for: .milliseconds(20)) }
            waited += 1
        }
        #expect(pending == 0)
    }
}
