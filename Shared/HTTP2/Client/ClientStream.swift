import NIOCore
import RPC

/// One call on a client connection: the request as it leaves and the response as it arrives.
/// Confined to the connection's event loop.
final class ClientStream {
    var id: Int32 = 0
    /// Where the call is: request open or ended, response headers, outcome delivered
    /// (``ClientStreamStateMachine``).
    var state: ClientStreamStateMachine
    /// Framed request messages waiting for nghttp2, and writers waiting for room.
    var outbound: OutboundBuffer
    var deframer: MessageDeframer
    var deadlineTimer: Scheduled<Void>?

    /// For unary calls: the response message and the caller waiting for the outcome.
    var unaryMessage: [UInt8]?
    var unaryWaiter: CheckedContinuation<UnaryResponse, any Error>?

    /// For streaming calls: response messages handed to the caller but not yet read, and
    /// received DATA bytes not yet reported consumed because of them (inbound flow control).
    var queuedMessages = 0
    var heldBytes = 0

    /// For streaming calls: the caller waiting for headers, and the response messages.
    var headersPromise: EventLoopPromise<(Metadata, MessageStream)>?
    var messages: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    var messageStream: MessageStream?
    let trailers = StreamingResponse.TrailerBox()

    /// A call whose request side is open, or already ended (`requestEnded`: a unary call).
    init(requestEnded: Bool, maximumMessageSize: Int, allocator: ByteBufferAllocator) {
        state = ClientStreamStateMachine(requestEnded: requestEnded)
        outbound = OutboundBuffer(allocator: allocator)
        deframer = MessageDeframer(maximumMessageSize: maximumMessageSize, allocator: allocator)
    }
}
