import Wire

/// A stream of typed messages decoded from a ``MessageStream``. A message that does not decode
/// ends the stream with an ``RPCError`` (INVALID_ARGUMENT for requests, INTERNAL for responses).
public struct DecodingStream<Message: WireMessage>: AsyncSequence, Sendable {
    /// One decoded message.
    public typealias Element = Message

    private let raw: MessageStream
    private let failureCode: StatusCode

    /// Decodes the messages of `raw`; failures end the stream with `failureCode`.
    public init(_ raw: MessageStream, failureCode: StatusCode) {
        self.raw = raw
        self.failureCode = failureCode
    }

    /// Iterates the messages.
    public func makeAsyncIterator() -> Iterator {
        Iterator(raw: raw.makeAsyncIterator(), failureCode: failureCode)
    }

    /// The iterator.
    public struct Iterator: AsyncIteratorProtocol {
        var raw: MessageStream.Iterator
        let failureCode: StatusCode

        /// The next message, or `nil` at the end of the stream.
        public mutating func next() async throws -> Message? {
            guard let bytes = try await raw.next() else { return nil }
            return try Message.decode(bytes, failureCode: failureCode)
        }
    }
}

/// The requests a server handler receives.
public typealias RequestStream<Message: WireMessage> = DecodingStream<Message>
/// The responses a client receives.
public typealias ResponseStream<Message: WireMessage> = DecodingStream<Message>

extension WireMessage {
    /// Decodes `bytes`, turning a decoding failure into an ``RPCError`` with `failureCode`.
    public static func decode(_ bytes: [UInt8], failureCode: StatusCode) throws(RPCError) -> Self {
        do {
            return try Self(serializedBytes: bytes)
        } catch {
            throw RPCError(failureCode, "message is not a valid \(protoMessageName): \(error)")
        }
    }
}
