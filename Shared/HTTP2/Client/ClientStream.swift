import NIOCore
import RPC

/// One call on a client connection: the request as it leaves and the response as it arrives.
/// Confined to the connection's event loop.
final class ClientStream {
    var id: Int32 = 0
    /// Framed request messages waiting for nghttp2, and writers waiting for room.
    var outbound: OutboundBuffer
    /// Whether the request side ends once `pending` is drained.
    var requestFinished = false

    /// Response headers, once received, and whether messages are gzip-compressed.
    var responseHeaders: HeaderList?
    var responseCompressed = false
    var deframer: MessageDeframer
    /// Whether the outcome has been delivered.
    var finished = false
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

    init(maximumMessageSize: Int, allocator: ByteBufferAllocator) {
        outbound = OutboundBuffer(allocator: allocator)
        deframer = MessageDeframer(maximumMessageSize: maximumMessageSize, allocator: allocator)
    }
}
