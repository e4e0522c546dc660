/// A stream of encoded messages: the requests a server handler receives, or the responses a client
/// receives. The transport that feeds it is told how many bytes were consumed, so flow control
/// only opens the window as fast as the reader reads.
public struct MessageStream: AsyncSequence, Sendable {
    /// One encoded message.
    public typealias Element = [UInt8]

    private let base: AsyncThrowingStream<[UInt8], any Error>
    private let onConsumed: (@Sendable (Int) -> Void)?

    /// Wraps `base`; `onConsumed` learns the size of each message as the reader takes it.
    public init(_ base: AsyncThrowingStream<[UInt8], any Error>, onConsumed: (@Sendable (Int) -> Void)? = nil) {
        self.base = base
        self.onConsumed = onConsumed
    }

    /// A stream and the continuation that feeds it, with an unbounded buffer.
    public static func makeStream() -> (
        stream: MessageStream, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        return (MessageStream(stream), continuation)
    }

    /// A stream of exactly these messages.
    public static func of(_ messages: [[UInt8]]) -> MessageStream {
        let (stream, continuation) = makeStream()
        for message in messages { continuation.yield(message) }
        continuation.finish()
        return stream
    }

    /// Iterates the messages.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), onConsumed: onConsumed)
    }

    /// The iterator.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        let onConsumed: (@Sendable (Int) -> Void)?

        /// The next message, or `nil` at the end of the stream. A reader whose task is cancelled
        /// gets `CANCELLED`, never a clean end: `AsyncThrowingStream` ends quietly for a cancelled
        /// reader, which a client-streaming handler (or a client awaiting its one response) would
        /// otherwise take for the peer's complete input, racing the transport's own `CANCELLED`.
        public mutating func next() async throws -> [UInt8]? {
            guard let message = try await base.next(isolation: #isolation) else {
                if Task.isCancelled { throw RPCError(.cancelled, "the call was cancelled") }
                return nil
            }
            onConsumed?(message.count)
            return message
        }
    }
}
