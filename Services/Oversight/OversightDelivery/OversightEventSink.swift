import CommonAPI
import Logging
import Outbox
import OversightAPI
import RPC
import Storage
import Wire

/// Where an outbox relay delivers events destined for Oversight: one `RecordEvents` call per
/// batch. Oversight drops event ids it has already recorded, so a batch delivered twice (the
/// relay crashed between the call and marking it delivered) is recorded once.
public struct OversightEventSink: Sendable {
    /// The outbox destination name of Oversight's events.
    public static let destination = OversightOutbox.destination

    private let client: Oversight.Client
    private let checkpoints: ServiceDatabase?
    private let logger: Logger?

    /// A sink calling Oversight through `client`; the signed checkpoint each answer carries is
    /// kept in `checkpoints` (``AuditCheckpointStore``), if given, and the one held is sent with
    /// each batch (Oversight hands back no newer one if its log no longer matches it).
    public init(client: RPCClient, checkpoints: ServiceDatabase? = nil, logger: Logger? = nil) {
        self.client = Oversight.Client(client)
        self.checkpoints = checkpoints
        self.logger = logger
    }

    /// Sends one batch; throws (and the relay retries later, or parks what is refused for good)
    /// unless Oversight accepted it. An undecodable payload is INVALID_ARGUMENT (refused for good).
    @Sendable public func deliver(_ messages: [OutboxMessage]) async throws {
        var request = RecordEventsRequest()
        request.events.reserveCapacity(messages.count)
        for message in messages {
            guard let event = try? Event(serializedBytes: message.payload) else {
                throw RPCError(.invalidArgument, "outbox event \(message.eventID) is not a decodable Event")
            }
            request.events.append(event)
        }
        if let checkpoints {
            request.heldCheckpoint = try? await checkpoints.snapshot { db in try AuditCheckpointStore.latest(in: db) }
        }
        let response = try await client.recordEvents(
            request, options: CallOptions(timeout: .seconds(10), isSafeToRetry: true))
        if response.heldCheckpointMismatch {
            logger?.critical(
                "Oversight's audit log no longer matches the checkpoint this service holds: it was rewritten",
                metadata: ["checkpoint_sequence": "\(request.heldCheckpoint?.sequence ?? 0)"])
        }
        if let checkpoint = response.checkpoint, let checkpoints {
            // Not synced (SQLite): a checkpoint lost in a crash leaves the one held before (still
            // Oversight's, only older), and the next delivery hands back the latest again.
            try? await checkpoints.transaction(syncing: false) { db in
                try AuditCheckpointStore.keep(checkpoint, in: db)
            }
        }
    }
}
