import CommonAPI
import Crypto
import Foundation
import OversightAPI
import OversightDelivery
import RPC
import Storage
import Synchronization
import Testing
import Wire

@testable import Outbox
@testable import Runtime

/// The outbox's deliveries to Oversight: each batch becomes one RecordEvents call carrying the
/// events as they were written, in order; a failed call leaves the batch pending.
@Suite struct OversightEventSinkTests {
    @Test func batchesArriveAsRecordEventsCallsInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        for index in 1...5 {
            let event = Event.with {
                $0.eventID = "e-\(index)"
                $0.sourceService = "orders"
                $0.aggregateID = "issue-1"
                $0.aggregateSequence = Int64(index)
                $0.summary = "step \(index)"
            }
            try await database.write { db in
                try Outbox.enqueue(
                    eventID: event.eventID, aggregateID: event.aggregateID, destination: OversightEventSink.destination,
                    payload: event.serializedBytes(), in: db)
            }
        }
        let received = Mutex<[[Event]]>([])
        let available = Mutex(false)
        var router = Router()
        router.addUnary(Oversight.Method.recordEvents) { (request: RecordEventsRequest, _: ServerContext) in
            guard available.withLock({ $0 }) else { throw RPCError(.unavailable, "down") }
            received.withLock { $0.append(request.events) }
            return RecordEventsResponse.with { $0.accepted = Int32(request.events.count) }
        }
        let sink = OversightEventSink(client: RPCClient(transport: InProcessTransport(router: router)))
        let relay = OutboxRelay(
            database: database, destination: OversightEventSink.destination, batchSize: 3, deliver: sink.deliver)

        await #expect(throws: RPCError.self) { try await relay.deliverOneBatch() }
        #expect(try await database.read { db in try Outbox.pendingCount(for: "oversight", in: db) } == 5)

        available.withLock { $0 = true }
        #expect(try await relay.deliverOneBatch() == 3)
        #expect(try await relay.deliverOneBatch() == 2)
        #expect(try await relay.deliverOneBatch() == 0)
        let batches = received.withLock { $0 }
        #expect(batches.map(\.count) == [3, 2])
        #expect(batches.flatMap { $0 }.map(\.aggregateSequence) == [1, 2, 3, 4, 5])
        #expect(batches.flatMap { $0 }.map(\.summary) == (1...5).map { "step \($0)" })
    }

    @Test func theServiceKeepsTheLatestCheckpointOversightHandsBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        let key = SigningKey(key: P256.Signing.PrivateKey(), keyID: "oversight-1")
        // Oversight answers with a checkpoint of the sequence the test sets; an older one must not
        // replace a newer one already kept.
        let handedBack = Mutex<Int64>(0)
        var router = Router()
        router.addUnary(Oversight.Method.recordEvents) { (request: RecordEventsRequest, _: ServerContext) in
            let sequence = handedBack.withLock { $0 }
            return try RecordEventsResponse.with {
                $0.accepted = Int32(request.events.count)
                if sequence > 0 {
                    $0.checkpoint = try AuditCheckpoint.signed(
                        sequence: sequence, headHash: [UInt8](repeating: UInt8(sequence), count: 32), at: Date(),
                        by: key)
                }
            }
        }
        let sink = OversightEventSink(
            client: RPCClient(transport: InProcessTransport(router: router)), checkpoints: database)
        let service = AuditCheckpointService(name: "orders", database: database)
        func latest() async throws -> AuditCheckpoint? {
            try await service.getLatestCheckpoint(
                GetLatestCheckpointRequest(),
                context: ServerContext(method: AuditCheckpoints.Method.getLatestCheckpoint)
            ).checkpoint
        }
        let message = OutboxMessage(
            sequence: 1, eventID: "e", aggregateID: "a", destination: "oversight", payload: Event().serializedBytes())

        try await sink.deliver([message])
        #expect(try await latest() == nil)
        for (sent, kept) in [(Int64(12), Int64(12)), (30, 30), (20, 30)] {
            handedBack.withLock { $0 = sent }
            try await sink.deliver([message])
            #expect(try await latest()?.sequence == kept)
        }
        let ring = TokenKeyRing(keys: [
            TokenKey(publicKey: P256.Signing.PrivateKey().publicKey, keyID: "other"),
            TokenKey(publicKey: try #require(key.publicKey), keyID: "oversight-1", subjects: ["oversight"]),
        ])
        #expect(try await latest()?.problem(verifiedWith: ring) == nil)
    }
}
