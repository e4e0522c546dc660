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

    /// Records each batch it is handed.
    actor BatchRecorder {
        var batches: [[String]] = []

        func accept(_ batch: [OutboxMessage]) { batches.append(batch.map(\.eventID)) }
    }

    /// After a delivery that emptied the outbox, the relay waits its idle delay before it looks
    /// again, as when nothing was there: the events committed meanwhile (here: while the first
    /// delivery was under way) go out together, in order, in one batch, not one delivery each.
    @Test func eventsCommittedDuringADeliveryWaitToGoOutTogether() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        @Sendable func enqueue(_ index: Int) async throws {
            try await database.write { db in
                try Outbox.enqueue(
                    eventID: "event-\(index)", aggregateID: "case", destination: "oversight", payload: [UInt8(index)],
                    in: db)
            }
        }
        let recorder = BatchRecorder()
        try await enqueue(0)
        let relay = OutboxRelay(database: database, destination: "oversight", idleDelay: .seconds(600)) { batch in
            if await recorder.batches.isEmpty {
                for index in 1...3 { try await enqueue(index) }
            }
            await recorder.accept(batch)
        }
        let running = Task { await relay.run() }
        var waited = 0
        while await recorder.batches.isEmpty, waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        // A relay that looked again at once after a delivery would have sent the three by now.
        try await Task.sleep(for: .milliseconds(300))
        #expect(await recorder.batches == [["event-0"]])
        running.cancel()
        await running.value
        #expect(try await relay.deliverOneBatch() == 3)
        #expect(await recorder.batches == [["event-0"], ["event-1", "event-2", "event-3"]])
    }
}
