import Wire

/// A stream of typed messages decoded from a ``MessageStream``. A message that does not decode
/// ends the stream with an ``RPCError`` (INVALID_ARGUMENT for requests, INTERNAL for responses;
/// RESOURCE_EXHAUSTED for one holding more values than the element limit).
public struct DecodingStream<Message: WireMessage>: AsyncSequence, Sendable {
    /// One decoded message.
    public typealias Element = Message

    private let raw: MessageStream
    private let failureCode: StatusCode
    private let elementLimit: Int

    /// Decodes the messages of `raw`, each into at most `elementLimit` values; failures end the
    /// stream with `failureCode`.
    public init(
        _ raw: MessageStream, failureCode: StatusCode, elementLimit: Int = WireReader.defaultElementLimit
    ) {
        self.raw = raw
        self.failureCode = failureCode
        self.elementLimit = elementLimit
    }

    /// Iterates the messages.
    public func makeAsyncIterator() -> Iterator {
        Iterator(raw: raw.makeAsyncIterator(), failureCode: failureCode, elementLimit: elementLimit)
    }

    /// The iterator.
    public struct Iterator: AsyncIteratorProtocol {
        var raw: MessageStream.Iterator
        let failureCode: StatusCode
        let elementLimit: Int

        /// The next message, or `nil` at the end of the stream.
        public mutating func next() async throws -> Message? {
            guard let bytes = try await raw.next() else { return nil }
            return try Message.decode(bytes, failureCode: failureCode, elementLimit: elementLimit)
        }
    }
}

/// The requests a server handler receives.
public typealias RequestStream<Message: WireMessage> = DecodingStream<Message>
/// The responses a client receives.
public typealias ResponseStream<Message: WireMessage> = DecodingStream<Message>

extension WireMessage {
    /// Decodes `bytes` into at most `elementLimit` values, turning a decoding failure into an
    /// ``RPCError`` with `failureCode`, or RESOURCE_EXHAUSTED when the limit is what stopped it.
    /// Requests (`failureCode` INVALID_ARGUMENT) also refuse any string holding NUL: no text of the
    /// platform may hold it, and PostgreSQL cannot store it.
    public static func decode(
        _ bytes: [UInt8], failureCode: StatusCode, elementLimit: Int = WireReader.defaultElementLimit
    ) throws(RPCError) -> Self {
        do {
            return try Self(
                serializedBytes: bytes, elementLimit: elementLimit, refusingNUL: failureCode == .invalidArgument)
        } catch .elementLimitExceeded(let limit) {
            throw RPCError(.resourceExhausted, "\(protoMessageName) holds more than \(limit) values")
        } catch {
            throw RPCError(failureCode, "message is not a valid \(protoMessageName): \(error)")
        }
    }
}
