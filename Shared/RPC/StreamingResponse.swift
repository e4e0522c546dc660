import Synchronization

/// The response side of a streaming call as a client sees it.
public struct StreamingResponse: Sendable {
    /// The server's initial metadata.
    public let headers: Metadata
    /// The encoded response messages; ends with an ``RPCError`` if the status is not OK.
    public let messages: MessageStream
    private let trailerBox: TrailerBox

    /// A response with `headers` and `messages`; the transport fills `trailers` when the status
    /// arrives.
    public init(headers: Metadata, messages: MessageStream, trailers: TrailerBox) {
        self.headers = headers
        self.messages = messages
        self.trailerBox = trailers
    }

    /// The trailing metadata; complete once ``messages`` has ended.
    public var trailers: Metadata { trailerBox.value }

    /// Holds trailers that arrive after the response was handed to the caller.
    public final class TrailerBox: Sendable {
        private let state = Mutex<Metadata>([:])

        /// An empty box.
        public init() {}

        /// The trailers received so far.
        public var value: Metadata { state.withLock { $0 } }

        /// Stores the trailers.
        public func set(_ trailers: Metadata) {
            state.withLock { $0 = trailers }
        }
    }
}
