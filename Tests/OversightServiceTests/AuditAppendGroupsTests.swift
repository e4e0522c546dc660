import CommonAPI
import Foundation
import OversightAPI
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

@testable import OversightService

/// Appends grouped on PostgreSQL (``AuditAppendGroups``): one call of a group that the database
/// refuses fails alone; the others of its group are appended, and the chain verifies. The group is
/// made for certain: a transaction holds the chain's lock until two groups wait for it (seen in
/// `pg_locks`) and two more calls wait behind them, which then go together as the next group.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured, "needs SUPPORT_TEST_DATABASE_URL"))
struct AuditAppendGroupsTests {
    @Test func aCallTheDatabaseRefusesFailsAloneAndItsGroupIsAppended() async throws {
        // Connections enough for the holder and both groups' transactions.
        let harness = OversightHarness(
            database: try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(try await PostgresTestDatabase.create(), connections: 4),
                schema: OversightService.schema))
        defer { harness.database.close() }
        let groups = try #require((harness.service.store as? SQLOversightStore)?.groups)
        #expect(try await harness.record(OversightBackendTests.events(3)).accepted == 3)
        // What the database refuses of one call: every text a call can carry is checked before
        // (a NUL is refused at decoding), so a trigger stands for a row the database will not take.
        try await harness.database.transaction { db in
            try db.execute(
                """
                CREATE FUNCTION refuse_orders_7() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused for the test'; END $$
                """, [])
            try db.execute(
                """
                CREATE TRIGGER refuse_orders_7 BEFORE INSERT ON audit_log FOR EACH ROW
                WHEN (NEW.event_id = 'orders-7') EXECUTE FUNCTION refuse_orders_7()
                """, [])
        }

        let (locked, lockedContinuation) = AsyncStream<Void>.makeStream()
        let (progress, progressContinuation) = AsyncStream<Int>.makeStream()
        let holder = Task {
            try await harness.database.transaction { db in
                try db.lock(named: "oversight-audit-chain")
                lockedContinuation.yield()
                var reported = 0
                for _ in 0..<6_000 {
                    let waiting = try db.fetchCount(
                        """
                        SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """)
                    if waiting > reported {
                        reported = waiting
                        progressContinuation.yield(waiting)
                    }
                    if waiting == 2, groups.waitingCount == 2 { return true }
                    try db.execute("SELECT pg_sleep(0.01)")
                }
                return false
            }
        }
        for await _ in locked { break }
        var waiters = progress.makeAsyncIterator()
        // Two groups of one call each wait for the lock, one at a time so that each is its own.
        let first = Task { try await harness.record(OversightBackendTests.events(2, from: 3)) }
        _ = await waiters.next()
        let second = Task { try await harness.record(OversightBackendTests.events(2, from: 5)) }
        _ = await waiters.next()
        // Two more wait behind them and go together, one of them with the refused event.
        let third = Task { try await harness.record(OversightBackendTests.events(1, from: 7)) }
        let fourth = Task { try await harness.record(OversightBackendTests.events(2, from: 8)) }
        #expect(try await holder.value, "two groups should have waited for the chain's lock, two calls behind them")

        #expect(try await first.value.accepted == 2)
        #expect(try await second.value.accepted == 2)
        let refusal = await #expect(throws: RPCError.self) { try await third.value }
        #expect(refusal?.code == .internal)
        #expect(refusal?.message.contains("refused for the test") == false, "the database's words stay inside")
        #expect(try await fourth.value.accepted == 2)
        let auditor = try harness.client("auditor-1", .auditor)
        let verification = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(verification.valid, "\(verification.problem)")
        #expect(verification.recordsChecked == 9)
        let listed = try await auditor.listAuditRecords(ListAuditRecordsRequest.with { $0.limit = 100 })
        #expect(
            Set(listed.records.map { $0.event?.eventID ?? "" })
                == Set([0, 1, 2, 3, 4, 5, 6, 8, 9].map { "orders-\($0)" }))
    }
}
