import Foundation
import OversightAPI
import RPC
import Synchronization
import Testing
import Wire

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
}
