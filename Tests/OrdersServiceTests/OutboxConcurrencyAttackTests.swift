import CommonAPI
import Foundation
import Outbox
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Attack on the outbox numbering of issue 15 (no unique index on event_id, SQLite numbering
/// events itself): commands running at once, all numbering events of one shared case and one
/// case of their own, on SQLite and (when configured) PostgreSQL. Every event id must be unique,
/// the shared case numbered 1...n without gaps, and its events in the outbox in that order
/// (the order they are delivered in).
@Suite struct OutboxConcurrencyAttackTests {
    static func event(_ aggregate: String) -> Event {
        Event.with {
            $0.sourceService = "orders"; $0.aggregateType = "issue"; $0.aggregateID = aggregate
        }
    }

    static func hammer(_ database: ServiceDatabase) async throws {
        let tasks = 12
        let rounds = 15
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for round in 0..<rounds {
                        _ = try await database.transaction { db in
                            try OversightOutbox.record(
                                [Self.event("shared"), Self.event("own-\(task)-\(round)"), Self.event("shared")],
                                in: db)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let ids = try await database.snapshot { db in
            try db.fetchRows("SELECT event_id FROM outbox ORDER BY sequence", []).map { try $0.string(0) }
        }
        #expect(ids.count == tasks * rounds * 3)
        #expect(Set(ids).count == ids.count, "an event id was given twice")
        let shared = ids.filter { $0.hasPrefix("orders:issue:shared:") }.map {
            Int($0.split(separator: ":").last ?? "") ?? -1
        }
        #expect(shared == Array(1...(tasks * rounds * 2)), "the shared case's events out of order or with gaps")
    }

    @Test func sqlite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ob-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await Self.hammer(database)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func postgres() async throws {
        let url = try await PostgresTestDatabase.create()
        let database = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 6),
            applying: ServiceDatabase.runtimeTables)
        try await Self.hammer(database)
        database.close()
        await PostgresTestDatabase.drop(url)
    }
}
