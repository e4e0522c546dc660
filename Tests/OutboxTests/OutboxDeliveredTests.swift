import Foundation
import GRDB
import Storage
import Synchronization
import Testing

@testable import Outbox
@testable import Runtime

/// The outbox holds only pending events (runtime-10): the relay moves what it delivered to
/// `outbox_delivered`, with its number, payload and delivery time, where retention prunes it; a
/// later event numbered as a pruned or delivered one was is delivered and kept as well.
@Suite struct OutboxDeliveredTests {
    @Test func deliveredEventsLeaveTheOutboxAndAreKeptUntilRetentionPrunesThem() async throws {
        let (database, directory) = try await OutboxDeadLetterTests.database(events: 5)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let receiver = OutboxDeadLetterTests.Receiver(refusing: [])
        let relay = OutboxRelay(database: database, destination: "oversight", batchSize: 3, deliver: receiver.deliver)
        let before = Date().timeIntervalSince1970
        while try await relay.deliverOneBatch() > 0 {}
        #expect(receiver.accepted.withLock { $0 } == (1...5).map { "e\($0)" })
        #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") } == 0)
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 0)
        let kept = try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT sequence, event_id, payload, delivered_at FROM outbox_delivered ORDER BY delivery"
            ).map { row in (row[0] as Int64, row[1] as String, [UInt8](row[2] as Data), row[3] as Double) }
        }
        #expect(kept.map(\.0) == [1, 2, 3, 4, 5])
        #expect(kept.map(\.1) == (1...5).map { "e\($0)" })
        #expect(kept.map(\.2) == (1...5).map { [UInt8($0)] })
        #expect(kept.allSatisfy { $0.3 >= before })

        let retention = StorageRetention(idempotency: .seconds(3_600), deliveredOutbox: .seconds(3_600))
        #expect(try await retention.prune(database, now: Date()).deliveredOutbox == 0)
        #expect(try await retention.prune(database, now: Date().addingTimeInterval(7_200)).deliveredOutbox == 5)

        // The emptied outbox numbers the next event 1 again; it is delivered and kept all the same.
        try await database.write { db in
            try Outbox.enqueue(eventID: "e6", aggregateID: "case-0", destination: "oversight", payload: [6], in: db)
        }
        #expect(try await relay.deliverOneBatch() == 1)
        let again = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, event_id FROM outbox_delivered ORDER BY delivery").map {
                "\($0[0] as Int64) \($0[1] as String)"
            }
        }
        #expect(again == ["1 e6"])
        #expect(receiver.accepted.withLock { $0 }.last == "e6")
    }

    /// A relay holding an event it read earlier, moved since by another, does not move (or park)
    /// a newer event that the emptied outbox gave the same number.
    @Test func aStaleDeliveryDoesNotMoveANewerEventOfTheSameNumber() async throws {
        let (database, directory) = try await OutboxDeadLetterTests.database(events: 1)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let stale = try #require(
            try await database.read { db in try Outbox.pending(for: "oversight", limit: 1, in: db) }.first)
        let newer = try await database.write { db in
            try Outbox.markDelivered([stale], in: db)
            try Outbox.enqueue(eventID: "e9", aggregateID: "case-9", destination: "oversight", payload: [9], in: db)
            return try #require(try Outbox.pending(for: "oversight", limit: 1, in: db).first)
        }
        #expect(newer.sequence == stale.sequence && newer.eventID == "e9")
        try await database.write { db in
            try Outbox.markDelivered([stale], in: db)
            #expect(try Outbox.park(stale, failure: "refused", in: db) == 0)
        }
        #expect(try await database.read { db in try Outbox.pending(for: "oversight", limit: 10, in: db) } == [newer])
    }

    /// A batch larger than one statement names moves whole and in order, across statements; an
    /// event named with an id it no longer has (a stale read) stays in the outbox.
    @Test func aLargeBatchMovesInOrderAndAStaleNameInItMovesNothing() async throws {
        let count = Outbox.maximumRowsPerMove * 2 + 5
        let (database, directory) = try await OutboxDeadLetterTests.database(events: count)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        var batch = try await database.read { db in try Outbox.pending(for: "oversight", limit: count, in: db) }
        #expect(batch.count == count)
        let stayed = batch[Outbox.maximumRowsPerMove + 3]
        batch[Outbox.maximumRowsPerMove + 3].eventID = "someone-else"
        let named = batch
        try await database.write { db in try Outbox.markDelivered(named, in: db) }
        let moved = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id FROM outbox_delivered ORDER BY delivery").map { $0[0] as String }
        }
        #expect(moved == (1...count).filter { $0 != Outbox.maximumRowsPerMove + 4 }.map { "e\($0)" })
        #expect(
            try await database.read { db in try Outbox.pending(for: "oversight", limit: count, in: db) } == [stayed])
    }
}
