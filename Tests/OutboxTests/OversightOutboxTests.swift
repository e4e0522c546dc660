import CommonAPI
import Foundation
import GRDB
import Outbox
import Storage
import Testing
import Wire

@testable import Runtime

/// Events for Oversight are numbered within their cases, in the order given, whatever the mix of
/// cases in one call (each case's numbers are taken in one statement), and go into the outbox in
/// that order.
@Suite struct OversightOutboxTests {
    @Test func eventsOfSeveralCasesAreNumberedWithinTheirCasesInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("numbers-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let first = [Self.event("a", "1")]
        let second =
            [Self.event("a", "2"), Self.event("b", "3"), Self.event("a", "4"), Self.event("a", "5")]
            + [Self.event("b", "6")]
        try await database.transaction { db in try OversightOutbox.record(first, in: db) }
        try await database.transaction { db in try OversightOutbox.record(second, in: db) }
        let stored: [(id: String, event: Event)] = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, payload FROM outbox ORDER BY sequence").map { row in
                (row[0] as String, try Event(serializedBytes: [UInt8](row[1] as Data)))
            }
        }
        #expect(
            stored.map(\.id) == [
                "orders:issue:a:1", "orders:issue:a:2", "orders:issue:b:1", "orders:issue:a:3", "orders:issue:a:4",
                "orders:issue:b:2",
            ])
        #expect(stored.map(\.event.summary) == ["1", "2", "3", "4", "5", "6"])
        #expect(stored.map(\.event.aggregateSequence) == [1, 2, 1, 3, 4, 2])
        #expect(stored.allSatisfy { $0.id == $0.event.eventID })
        let cases = try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT aggregate_id, last_sequence FROM aggregate_sequence ORDER BY aggregate_id"
            ).map { "\($0[0] as String)=\($0[1] as Int64)" }
        }
        #expect(cases == ["issue/a=4", "issue/b=2"])
    }

    /// An event of case `aggregate` (an issue) saying `summary`.
    static func event(_ aggregate: String, _ summary: String) -> Event {
        Event.with {
            $0.sourceService = "orders"; $0.aggregateType = "issue"; $0.aggregateID = aggregate
            $0.summary = summary
        }
    }
}
