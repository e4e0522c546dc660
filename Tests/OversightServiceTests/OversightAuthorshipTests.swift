import CommonAPI
import Foundation
import GRDB
import OversightAPI
import OversightDomain
import OversightService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// The audit trail proves authorship and cannot be rewritten unnoticed: a service records only
/// its own events, ids live in their source's namespace, and Oversight's signed checkpoints, held
/// by the services, catch a log rewritten into a self-consistent chain.
@Suite struct OversightAuthorshipTests {
    static func event(_ id: String, source: String, caseID: String = "c", minutes: Double = 0) -> Event {
        var event = OversightHarness.event(id, .caseOpened, caseID: caseID, minutes: minutes)
        event.sourceService = source
        if source == "returns" { event.aggregateType = "return" }  // each service records its own aggregates
        return event
    }

    @Test func aForgedEventIsRefusedAndATakenIdDoesNotBlockTheGenuineEvent() async throws {
        let harness = try OversightHarness()
        // returns' token, orders' name: refused, and nothing of the batch is recorded.
        let forged = await rpcError {
            _ = try await harness.record(
                [Self.event("r-1", source: "returns"), Self.event("orders:issue:c:1", source: "orders")], as: "returns")
        }
        #expect(forged?.code == .permissionDenied)
        #expect(forged?.message.contains("source_service 'orders' is not the caller 'returns'") == true)

        // returns takes orders' next id in its own namespace: it does not collide.
        let squatted = try await harness.record([Self.event("orders:issue:c:1", source: "returns")], as: "returns")
        #expect(squatted.accepted == 1)
        let genuine = try await harness.record([Self.event("orders:issue:c:1", source: "orders")])
        #expect(genuine.accepted == 1)
        #expect(genuine.duplicates == 0)
        let repeated = try await harness.record([Self.event("orders:issue:c:1", source: "orders")])
        #expect(repeated.accepted == 0)
        #expect(repeated.duplicates == 1)

        let records = try await harness.client("audit-1", .auditor).listAuditRecords(ListAuditRecordsRequest())
        #expect(records.records.map { $0.event?.sourceService } == ["returns", "orders"])
        #expect(records.records.allSatisfy { $0.event?.eventID == "orders:issue:c:1" })
    }

    @Test func checkpointsAreSignedEveryNEventsAndHandedBack() async throws {
        let harness = try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 3))
        let first = try await harness.record([Self.event("e-1", source: "orders"), Self.event("e-2", source: "orders")])
        let checkpoint = try #require(first.checkpoint)
        #expect(checkpoint.sequence == 2)
        #expect(checkpoint.signer == "oversight")
        #expect(checkpoint.keyID == "oversight-1")
        #expect(checkpoint.problem(verifiedWith: OversightHarness.checkpointRing) == nil)

        let second = try await harness.record([Self.event("e-3", source: "orders")])
        #expect(second.checkpoint == checkpoint)
        let third = try await harness.record([Self.event("e-4", source: "orders"), Self.event("e-5", source: "orders")])
        #expect(third.checkpoint?.sequence == 5)
        let records = try await harness.client("audit-1", .auditor).listAuditRecords(ListAuditRecordsRequest())
        #expect(third.checkpoint?.headHash == records.records.last?.hash)
    }

    @Test func noCheckpointIsSignedWithoutAKey() async throws {
        let harness = try OversightHarness()
        #expect(try await harness.record([Self.event("e-1", source: "orders")]).checkpoint == nil)
    }

    /// Rewrites every record from `sequence` on so that the chain is self-consistent again, as
    /// someone holding the database file could: record `sequence` gets a new summary.
    static func rewrite(_ harness: OversightHarness, from sequence: Int64, keepingOnly count: Int64? = nil) async throws
    {
        try await harness.database.write { db in
            if let count { try db.execute(sql: "DELETE FROM audit_log WHERE sequence > ?", arguments: [count]) }
            var previous =
                try Data.fetchOne(
                    db, sql: "SELECT hash FROM audit_log WHERE sequence = ?", arguments: [sequence - 1]
                ).map { [UInt8]($0) } ?? AuditChain.genesis
            let rows = try Row.fetchAll(
                db, sql: "SELECT sequence, recorded_at_ns, event FROM audit_log WHERE sequence >= ? ORDER BY sequence",
                arguments: [sequence])
            for row in rows {
                let number: Int64 = row["sequence"]
                var bytes = [UInt8](row["event"] as Data)
                if number == sequence {
                    var event = try Event(serializedBytes: bytes)
                    event.summary = "nothing happened here"
                    bytes = event.serializedBytes()
                }
                let hash = AuditChain.hash(
                    previous: previous, sequence: number, recordedAtNanos: row["recorded_at_ns"], event: bytes)
                try db.execute(
                    sql: "UPDATE audit_log SET event = ?, previous_hash = ?, hash = ? WHERE sequence = ?",
                    arguments: [Data(bytes), Data(previous), Data(hash), number])
                previous = hash
            }
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM audit_log") ?? 0
            try db.execute(
                sql: "UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1", arguments: [last, Data(previous)])
        }
    }

    @Test func aSelfConsistentRewriteIsCaughtByACheckpointHeldElsewhere() async throws {
        let harness = try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 10))
        var events: [Event] = []
        for index in 1...40 { events.append(Self.event("e-\(index)", source: "orders", minutes: Double(index))) }
        let held = try #require(try await harness.record(events).checkpoint)
        #expect(held.sequence == 40)
        let auditor = try harness.client("audit-1", .auditor)
        let before = try await auditor.verifyAuditLog(VerifyAuditLogRequest.with { $0.checkpoints = [held] })
        #expect(before.valid)
        #expect(before.checkpointsChecked == 1)

        try await Self.rewrite(harness, from: 17)
        let chainOnly = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(chainOnly.valid, "the rewrite is self-consistent: the chain alone cannot tell")
        let checked = try await auditor.verifyAuditLog(VerifyAuditLogRequest.with { $0.checkpoints = [held] })
        #expect(!checked.valid)
        #expect(checked.firstInvalidSequence == 40)
        #expect(checked.problem.contains("does not match Oversight's checkpoint"))

        // Later events do not replace the evidence: Oversight sees the held checkpoint no longer
        // matches and hands back no new one.
        var more: [Event] = []
        for index in 41...60 { more.append(Self.event("e-\(index)", source: "orders", minutes: Double(index))) }
        let after = try await harness.client("orders", .service).recordEvents(
            RecordEventsRequest.with {
                $0.events = more
                $0.heldCheckpoint = held
            })
        #expect(after.accepted == 20)
        #expect(after.heldCheckpointMismatch)
        #expect(after.checkpoint == nil)
    }

    @Test func aMatchingHeldCheckpointIsReplacedByANewerOne() async throws {
        let harness = try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 2))
        let held = try #require(
            try await harness.record([Self.event("e-1", source: "orders"), Self.event("e-2", source: "orders")])
                .checkpoint)
        let next = try await harness.client("orders", .service).recordEvents(
            RecordEventsRequest.with {
                $0.events = [Self.event("e-3", source: "orders"), Self.event("e-4", source: "orders")]
                $0.heldCheckpoint = held
            })
        #expect(!next.heldCheckpointMismatch)
        #expect(next.checkpoint?.sequence == 4)
    }

    @Test func aLogCutShortBeforeACheckpointIsCaught() async throws {
        let harness = try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 10))
        var events: [Event] = []
        for index in 1...20 { events.append(Self.event("e-\(index)", source: "orders", minutes: Double(index))) }
        let held = try #require(try await harness.record(events).checkpoint)
        try await Self.rewrite(harness, from: 5, keepingOnly: 12)
        let auditor = try harness.client("audit-1", .auditor)
        #expect(try await auditor.verifyAuditLog(VerifyAuditLogRequest()).valid)
        let checked = try await auditor.verifyAuditLog(VerifyAuditLogRequest.with { $0.checkpoints = [held] })
        #expect(!checked.valid)
        #expect(checked.problem.contains("the log ends before record 20"))
    }

    @Test func aCheckpointOversightDidNotSignIsRefused() async throws {
        let harness = try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 1))
        let held = try #require(try await harness.record([Self.event("e-1", source: "orders")]).checkpoint)
        let auditor = try harness.client("audit-1", .auditor)
        var moved = held
        moved.sequence = 7
        var foreign = held
        foreign.keyID = "orders-1"
        var other = held
        other.signer = "orders"
        let tooMany = [AuditCheckpoint](repeating: held, count: 101)
        for (checkpoints, fragment) in [
            ([moved], "signature does not verify"), ([foreign], "not in the key set"), ([other], "signed by 'orders'"),
            (tooMany, "at most 100"),
        ] {
            let error = await rpcError {
                _ = try await auditor.verifyAuditLog(VerifyAuditLogRequest.with { $0.checkpoints = checkpoints })
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        }
    }

    @Test func aLogWrittenBeforeEventNamespacesIsCarriedOverIntact() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = try ServiceDatabase(
            directory: directory, name: "oversight", schema: Array(OversightService.schema.prefix(1)))
        try await old.write { db in
            var previous = AuditChain.genesis
            for (index, source) in ["orders", "returns", "orders"].enumerated() {
                let sequence = Int64(index + 1)
                let bytes = Self.event("e-\(sequence)", source: source).serializedBytes()
                let hash = AuditChain.hash(previous: previous, sequence: sequence, recordedAtNanos: 5, event: bytes)
                try db.execute(
                    sql: """
                        INSERT INTO audit_log (sequence, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash)
                        VALUES (?, ?, 'c', 5, ?, ?, ?)
                        """,
                    arguments: [sequence, "e-\(sequence)", Data(bytes), Data(previous), Data(hash)])
                previous = hash
            }
            try db.execute(
                sql: "INSERT INTO audit_head (id, sequence, hash) VALUES (1, 3, ?)", arguments: [Data(previous)])
        }
        old.close()
        let migrated = try ServiceDatabase(
            directory: directory, name: "oversight", schema: OversightService.schema)
        defer { migrated.close() }
        let sources = try await migrated.read { db in
            try String.fetchAll(db, sql: "SELECT source_service FROM audit_log ORDER BY sequence")
        }
        #expect(sources == ["orders", "returns", "orders"])
        let service = OversightService(database: migrated)
        let verification = try await service.verifyAuditLog(
            VerifyAuditLogRequest(),
            context: ServerContext(
                method: Oversight.Method.verifyAuditLog, caller: Caller(subject: "audit-1", role: "auditor")))
        #expect(verification.valid)
        #expect(verification.recordsChecked == 3)
    }
}
