import Foundation
import GRDB
import Storage
import Testing

@testable import Outbox

/// A command's events are added in one insert (``Outbox/enqueue(_:to:in:)``): numbered in the
/// order given, after every event pending or parked, however many there are (more than one
/// insert holds go in several), each with its own id, case and payload.
@Suite struct OutboxEnqueueTests {
    @Test(arguments: [1, 4, Outbox.maximumRowsPerInsert, Outbox.maximumRowsPerInsert * 2 + 3])
    func eventsAddedTogetherAreNumberedInTheOrderGiven(count: Int) async throws {
        let (database, directory) = try await OutboxDeadLetterTests.database(events: 3)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await database.write { db in
            // The newest pending event parked: new numbers still come after it.
            let newest = try #require(try Outbox.pending(for: "oversight", limit: 10, in: db).last)
            _ = try Outbox.park(newest, failure: "refused", in: db)
            let events = (0..<count).map {
                Outbox.NewEvent(eventID: "n\($0)", aggregateID: "case-\($0 % 3)", payload: [UInt8($0 % 256), 7])
            }
            try Outbox.enqueue(events, to: "oversight", in: db)
        }
        let pending = try await database.read { db in try Outbox.pending(for: "oversight", limit: 1_000, in: db) }
        let numbers: [Int64] = [1, 2] + (0..<count).map { Int64(4 + $0) }
        let ids: [String] = ["e1", "e2"] + (0..<count).map { "n\($0)" }
        #expect(pending.map(\.sequence) == numbers)
        #expect(pending.map(\.eventID) == ids)
        #expect(pending.dropFirst(2).map(\.aggregateID) == (0..<count).map { "case-\($0 % 3)" })
        #expect(pending.dropFirst(2).map(\.payload) == (0..<count).map { [UInt8($0 % 256), 7] })
        #expect(pending.allSatisfy { $0.destination == "oversight" })
    }

    /// A stored number at the top of the range (a damaged row) is refused, not overflowed.
    @Test func aNumberWithNoRoomAfterItIsRefused() async throws {
        let (database, directory) = try await OutboxDeadLetterTests.database(events: 1)
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await database.write { db in
            try db.execute(sql: "UPDATE outbox SET sequence = ?", arguments: [Int64.max - 1])
        }
        let events = (0..<2).map { Outbox.NewEvent(eventID: "n\($0)", aggregateID: "case", payload: [1]) }
        await #expect(throws: StoredValueError.self) {
            try await database.write { db in try Outbox.enqueue(events, to: "oversight", in: db) }
        }
        #expect(try await database.read { db in try Outbox.pending(for: "oversight", limit: 10, in: db) }.count == 1)
    }
}
