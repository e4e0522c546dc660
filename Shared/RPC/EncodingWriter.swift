import Wire

/// Writes typed messages, encoded, to a ``MessageWriter``.
public struct EncodingWriter<Message: WireMessage>: Sendable {
    private let raw: MessageWriter

    /// Encodes into `raw`.
    public init(_ raw: MessageWriter) {
        self.raw = raw
    }

    /// Writes one message; suspends while the transport cannot take more.
    public func write(_ message: Message) async throws {
        try await raw.write(message.serializedBytes())
    }

    /// Writes each message in turn.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await write(message) }
    }
}

/// Where a server handler writes its responses.
public typealias ResponseWriter<Message: WireMessage> = EncodingWriter<Message>
/// Where a client writes its requests.
public typealias RequestWriter<Message: WireMessage> = EncodingWriter<Message>
