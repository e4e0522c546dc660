import Foundation
import Outbox
import RPC
import Storage
import Synchronization
import TestSupport
import Testing

@testable import Runtime

/// The runtime's storage on a real PostgreSQL (the server `SUPPORT_TEST_DATABASE_URL` names; each
/// test on a database of its own), with several "replicas" (each a `ServiceDatabase` with its own
/// connection pool, as separate processes have): migrations applied once however many start at
/// once, one effect per idempotency key, the outbox relayed in order with dead letters parked,
/// retention pruning, and the same SQL as on SQLite.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
struct PostgresStorageTests {
    static let method = MethodDescriptor(service: "test.v1.Test", method: "Change", kind: .unary)

    /// A table counting the effects of commands.
    static let effects = SchemaMigration("test-1-effects") { db in
        try db.execute("CREATE TABLE effects (id \(db.sqlDialect.autoIncrementingKey), note TEXT NOT NULL)")
    }

    static func replica(_ url: DatabaseURL) async throws -> ServiceDatabase {
        try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 4),
            schema: [effects])
    }

    @Test func replicasStartingAtOnceApplyEachMigrationOnce() async throws {
        let url = try await PostgresTestDatabase.create()
        let replicas = try await withThrowingTaskGroup(of: ServiceDatabase.self) { group in
            for _ in 0..<4 { group.addTask { try await Self.replica(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { replicas.forEach { $0.close() } }
        let applied = try await replicas[0].snapshot { db in
            try db.fetchRows("SELECT identifier FROM schema_migrations ORDER BY identifier").map { try $0.string(0) }
        }
        let expected = (ServiceDatabase.runtimeTables + [Self.effects]).map(\.identifier).sorted()
        #expect(applied == expected)
        #expect(try await replicas[3].integrityCheck() == "ok")
    }

    @Test func oneKeyRetriedThroughTwoReplicasAtOnceHasOneEffect() async throws {
        let url = try await PostgresTestDatabase.create()
        let first = try await Self.replica(url)
        let second = try await Self.replica(url)
        defer {
            first.close()
            second.close()
        }
        let responses = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<12 {
                let replica = index % 2 == 0 ? first : second
                group.addTask {
                    try await replica.perform(key: "k-1", caller: "agent-1", method: Self.method, request: [7]) { db in
                        let id = try db.fetchOne("INSERT INTO effects (note) VALUES (?) RETURNING id", ["once"])
                        return [UInt8(truncatingIfNeeded: try id?.int64(0) ?? 0)]
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(responses).count == 1)
        #expect(try await first.snapshot { db in try db.fetchCount("SELECT COUNT(*) FROM effects") } == 1)
        let reused = await #expect(throws: RPCError.self) {
            try await second.perform(key: "k-1", caller: "agent-1", method: Self.method, request: [8]) { _ in [] }
        }
        #expect(reused?.code == .alreadyExists)
        // Another caller's same key is another command.
        _ = try await second.perform(key: "k-1", caller: "agent-2", method: Self.method, request: [7]) { db in
            try db.execute("INSERT INTO effects (note) VALUES (?)", ["other caller"])
            return []
        }
        #expect(try await first.snapshot { db in try db.fetchCount("SELECT COUNT(*) FROM effects") } == 2)
    }

    @Test func theOutboxIsRelayedInOrderAndRefusedEventsAreParked() async throws {
        let url = try await PostgresTestDatabase.create()
        let database = try await Self.replica(url)
        defer { database.close() }
        try await database.transaction { db in
            for index in 1...25 {
                try Outbox.enqueue(
                    eventID: "e\(index)", aggregateID: "case-\(index % 3)", destination: "oversight",
                    payload: [UInt8(index)], in: db)
            }
        }
        let accepted = Mutex<[String]>([])
        let relay = OutboxRelay(database: database, destination: "oversight", batchSize: 10) { batch in
            if let refused = batch.first(where: { $0.eventID == "e7" }) {
                throw RPCError(.invalidArgument, "\(refused.eventID) is refused")
            }
            accepted.withLock { $0 += batch.map(\.eventID) }
        }
        var moved = 0
        while try await relay.deliverOneBatch() > 0 { moved += 1 }
        #expect(accepted.withLock { $0 } == (1...25).filter { $0 != 7 }.map { "e\($0)" })
        #expect(try await database.snapshot { db in try Outbox.pendingCount(for: "oversight", in: db) } == 0)
        #expect(try await database.snapshot { db in try Outbox.deadLetterIDs(for: "oversight", in: db) } == ["e7"])
        let kept = try await database.snapshot { db in
            try db.fetchRows("SELECT event_id FROM outbox_delivered ORDER BY delivery", []).map { try $0.string(0) }
        }
        #expect(kept == (1...25).filter { $0 != 7 }.map { "e\($0)" })
        let retention = StorageRetention(idempotency: .seconds(3_600), deliveredOutbox: .seconds(3_600))
        let pruned = try await retention.prune(database, now: Date().addingTimeInterval(7_200))
        #expect(pruned.deliveredOutbox == 24)
    }

    @Test func oneReplicaPrunesAndAnotherTakesOverOnceItsLeaseRunsOut() async throws {
        let url = try await PostgresTestDatabase.create()
        let first = try await Self.replica(url)
        let second = try await Self.replica(url)
        defer {
            first.close()
            second.close()
        }
        let retention = StorageRetention(idempotency: .seconds(3_600), deliveredOutbox: .seconds(3_600))
        let now = Date()
        #expect(try await retention.pruneIfHolding(first, holder: "replica-a", now: now) != nil)
        #expect(try await retention.pruneIfHolding(second, holder: "replica-b", now: now) == nil)
        // An hour later the holder renews; the other still waits.
        let hourLater = now.addingTimeInterval(3_600)
        #expect(try await retention.pruneIfHolding(first, holder: "replica-a", now: hourLater) != nil)
        #expect(try await retention.pruneIfHolding(second, holder: "replica-b", now: hourLater) == nil)
        // The holder stopped: once its lease runs out, the other prunes.
        let takeover = hourLater.addingTimeInterval(StorageRetention.leaseDuration + 1)
        #expect(try await retention.pruneIfHolding(second, holder: "replica-b", now: takeover) != nil)
        #expect(try await retention.pruneIfHolding(first, holder: "replica-a", now: takeover) == nil)
    }

    @Test func onlyTheLeaseHoldingReplicaRelaysAndAnotherTakesOverWhenItLetsGo() async throws {
        let url = try await PostgresTestDatabase.create()
        let first = try await Self.replica(url)
        let second = try await Self.replica(url)
        defer {
            first.close()
            second.close()
        }
        try await first.transaction { db in
            for index in 1...6 {
                try Outbox.enqueue(
                    eventID: "e\(index)", aggregateID: "case", destination: "oversight", payload: [1], in: db)
            }
        }
        let delivered = Mutex<[String]>([])
        func relay(_ database: ServiceDatabase, _ holder: String) -> OutboxRelay {
            OutboxRelay(database: database, destination: "oversight", batchSize: 3, holder: holder) { batch in
                delivered.withLock { $0 += batch.map { "\(holder):\($0.eventID)" } }
            }
        }
        let a = relay(first, "replica-a")
        let b = relay(second, "replica-b")
        #expect(try await a.deliverOneBatch() == 3)
        #expect(try await b.deliverOneBatch() == 0, "the lease of replica-a still runs")
        try await first.transaction { db in try OutboxLease.release("oversight", holder: "replica-a", in: db) }
        #expect(try await b.deliverOneBatch() == 3)
        #expect(try await a.deliverOneBatch() == 0, "replica-b holds the lease now")
        #expect(
            delivered.withLock { $0 } == [
                "replica-a:e1", "replica-a:e2", "replica-a:e3", "replica-b:e4", "replica-b:e5", "replica-b:e6",
            ])
    }

    @Test func aFailingTransactionLeavesNothingBehind() async throws {
        let url = try await PostgresTestDatabase.create()
        let database = try await Self.replica(url)
        defer { database.close() }
        struct Refusal: Error {}
        await #expect(throws: Refusal.self) {
            try await database.transaction { db in
                try db.execute("INSERT INTO effects (note) VALUES (?)", ["rolled back"])
                throw Refusal()
            }
        }
        do {
            try await database.transaction { db in _ = try db.execute("INSERT INTO missing_table VALUES (1)") }
            Issue.record("a statement on a missing table succeeded")
        } catch {
            let status = RPCError(converting: error)
            #expect(status.code == .internal)
            #expect(status.message == "the service's database failed (SQLSTATE 42P01)")
        }
        #expect(try await database.snapshot { db in try db.fetchCount("SELECT COUNT(*) FROM effects") } == 0)
    }
}
