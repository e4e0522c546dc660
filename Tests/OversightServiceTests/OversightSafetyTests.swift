import CommonAPI
import Foundation
import GRDB
import HTTP2
import Outbox
import OversightAPI
import OversightDelivery
import OversightService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// What keeps Oversight's record whole: one rating per customer per case, texts bounded in bytes
/// as well as characters, and a source's relay that parks what Oversight refuses for good while
/// the events after it keep arriving.
@Suite struct OversightSafetyTests {
    @Test func aCaseIsRatedOnceAndASecondRatingIsRefused() async throws {
        let harness = try OversightHarness()
        try await harness.record([OversightHarness.event("o-1", .caseOpened, caseID: "case-0", minutes: 1)])
        let customer = try harness.client("customer-1", .customer)
        func rate(_ key: String, _ score: Int32) async throws -> Rating {
            try await customer.recordRating(
                RecordRatingRequest.with {
                    $0.idempotencyKey = key; $0.aggregateType = "issue"; $0.aggregateID = "case-0"; $0.score = score
                })
        }
        let first = try await rate("rate-1", 5)
        #expect(try await rate("rate-1", 5) == first, "a retry with the same key returns the first rating")
        let second = await rpcError { _ = try await rate("rate-2", 1) }
        #expect(second?.code == .alreadyExists)
        #expect(second?.message.contains("already rated") == true)
        let onBehalf = await rpcError {
            _ = try await harness.client("storefront", .service).recordRating(
                RecordRatingRequest.with {
                    $0.idempotencyKey = "rate-3"; $0.aggregateType = "issue"; $0.aggregateID = "case-0"
                    $0.score = 1; $0.customerID = "customer-1"
                })
        }
        #expect(onBehalf?.code == .alreadyExists)
        let ratings = try await harness.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ratings")
        }
        #expect(ratings == 1)
    }

    @Test func aCommentOfFewCharactersButManyBytesIsRefused() async throws {
        let harness = try OversightHarness()
        try await harness.record([OversightHarness.event("o-1", .caseOpened, caseID: "case-0", minutes: 1)])
        // One grapheme cluster: "e" followed by 20,000 combining acute accents (40,001 bytes).
        let oneCharacter = "e" + String(repeating: "\u{301}", count: 20_000)
        #expect(oneCharacter.count == 1)
        let refused = await rpcError {
            _ = try await harness.client("customer-1", .customer).recordRating(
                RecordRatingRequest.with {
                    $0.idempotencyKey = "rate-1"; $0.aggregateType = "issue"; $0.aggregateID = "case-0"
                    $0.score = 4; $0.comment = oneCharacter
                })
        }
        #expect(refused?.code == .invalidArgument)
        #expect(refused?.message.contains("16000 UTF-8 bytes") == true)
        let event = Event.with {
            $0 = OversightHarness.event("o-2", .message, caseID: "case-0", minutes: 2)
            $0.message = MessageDetail.with { $0.message = CaseMessage.with { $0.text = oneCharacter } }
        }
        #expect(await rpcError { try await harness.record([event]) }?.code == .invalidArgument)
    }

    /// A source service's outbox relayed to Oversight over a real HTTP/2 connection: one event over
    /// the 4 MiB message limit (RESOURCE_EXHAUSTED) and one Oversight finds invalid
    /// (INVALID_ARGUMENT) are parked; the events before, between and after them arrive, in order,
    /// and so do events written after the poisoned ones were parked.
    @Test func poisonedOutboxRowsAreParkedWhileLaterEventsArrive() async throws {
        let harness = try OversightHarness()
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: harness.router)
        let port = try await server.start()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let token = try OversightHarness.minter.mint(subject: "orders", role: .service)
        let sink = OversightEventSink(
            client: RPCClient(transport: transport, interceptors: [BearerTokenInterceptor(token: token)]))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("source-\(UUID())").path
        let source = try ServiceDatabase(directory: directory, name: "orders", migrations: [])
        defer {
            source.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        func enqueue(_ events: [Event]) async throws {
            try await source.write { db in
                for event in events {
                    try Outbox.enqueue(
                        eventID: event.eventID, aggregateID: event.aggregateID,
                        destination: OversightEventSink.destination,
                        payload: event.serializedBytes(), in: db)
                }
            }
        }
        var tooLarge = OversightHarness.event("big", .message, caseID: "case-1", minutes: 2)
        tooLarge.message = MessageDetail.with {
            $0.message = CaseMessage.with { $0.text = String(repeating: "x", count: 5 << 20) }
        }
        var invalid = OversightHarness.event("bad", .message, caseID: "case-2", minutes: 4)
        invalid.kind = .unspecified
        try await enqueue([
            OversightHarness.event("a", .caseOpened, caseID: "case-1", minutes: 1), tooLarge,
            OversightHarness.event("b", .caseOpened, caseID: "case-2", minutes: 3), invalid,
            OversightHarness.event("c", .caseResolved, caseID: "case-1", minutes: 5),
        ])
        let relay = OutboxRelay(
            database: source, destination: OversightEventSink.destination, idleDelay: .milliseconds(10),
            maximumBackoff: .milliseconds(50), deliver: sink.deliver)
        let running = Task { await relay.run() }
        defer { running.cancel() }

        let auditor = try harness.client("audit-1", .auditor)
        func recorded() async throws -> [String] {
            try await auditor.listAuditRecords(ListAuditRecordsRequest.with { $0.limit = 100 }).records.compactMap {
                $0.event?.eventID
            }
        }
        func waitFor(_ expected: [String]) async throws -> [String] {
            var seen = try await recorded()
            for _ in 0..<500 where seen != expected {
                try await Task.sleep(for: .milliseconds(20))
                seen = try await recorded()
            }
            return seen
        }
        #expect(try await waitFor(["a", "b", "c"]) == ["a", "b", "c"])
        let parked = try await source.read { db in try Outbox.deadLetterIDs(for: OversightEventSink.destination, in: db)
        }
        #expect(parked == ["big", "bad"])

        try await enqueue([
            OversightHarness.event("d", .caseOpened, caseID: "case-3", minutes: 6),
            OversightHarness.event("e", .caseResolved, caseID: "case-3", minutes: 7),
        ])
        #expect(try await waitFor(["a", "b", "c", "d", "e"]) == ["a", "b", "c", "d", "e"])
        let failures = try await source.read { db in
            try String.fetchAll(db, sql: "SELECT failure FROM outbox_dead_letter ORDER BY sequence")
        }
        #expect(failures.count == 2)
        #expect(failures.first?.hasPrefix("RESOURCE_EXHAUSTED") == true, "\(failures)")
        #expect(failures.last?.hasPrefix("INVALID_ARGUMENT") == true, "\(failures)")
        running.cancel()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
