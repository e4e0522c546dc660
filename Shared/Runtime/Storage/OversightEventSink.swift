import OversightAPI
import RPC
import Wire

/// Where an outbox relay delivers events destined for Oversight: one `RecordEvents` call per
/// batch. Oversight drops event ids it has already recorded, so a batch delivered twice (the
/// relay crashed between the call and marking it delivered) is recorded once.
public struct OversightEventSink: Sendable {
    /// The outbox destination name of Oversight's events.
    public static let destination = "oversight"

    private let client: Oversight.Client

    /// A sink calling Oversight through `client`.
    public init(client: RPCClient) {
        self.client = Oversight.Client(client)
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
        _ = try await client.recordEvents(request, options: CallOptions(timeout: .seconds(10), isSafeToRetry: true))
    }
}
