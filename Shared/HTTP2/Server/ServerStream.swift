import NIOCore
import RPC

/// One gRPC call on a server connection: its request as it arrives, its handler, and its
/// response as it leaves. Owned by a ``ServerConnectionHandler`` and confined to its event loop.
final class ServerStream {
    let id: Int32
    /// Where the call is: request side, handler, response (``ServerStreamStateMachine``).
    var state = ServerStreamStateMachine()
    /// Request headers as they arrive, and their total size so far.
    var headers: HeaderList = []
    var headerBytes = 0
    /// The validated request head, once the header block is complete.
    var head: RequestHead?
    /// The call's handler and context, once routed and admitted.
    var call: ServerCallExecutor.Accepted?
    /// Splits request DATA into messages.
    var deframer: MessageDeframer
    /// The request message of a unary call.
    var unaryRequest: MessageDeframer.Message?
    /// A streaming handler's requests, and what feeds them.
    var requests: AsyncThrowingStream<[UInt8], any Error>?
    var requestContinuation: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    /// Request messages handed to the handler but not yet read, and received DATA bytes not yet
    /// reported consumed because of them (inbound flow control).
    var queuedMessages = 0
    var heldBytes = 0
    /// Request bytes this call holds against the budgets (``ConnectionLimits``), and the size
    /// reserved for each queued message of a streaming call, oldest first.
    var bufferedBytes = 0
    var queuedSizes: [Int] = []

    /// Framed response messages waiting for nghttp2 to take them, and writers waiting for room.
    var outbound: OutboundBuffer
    /// The trailers to send once `pending` is drained.
    var pendingTrailers: HeaderList?
    /// Whether response messages are gzip-compressed.
    var compressResponses = false
    /// The handler's task.
    var task: Task<Void, Never>?
    /// The deadline timer.
    var deadlineTimer: Scheduled<Void>?

    init(id: Int32, maximumMessageSize: Int, allocator: ByteBufferAllocator) {
        self.id = id
        self.deframer = MessageDeframer(maximumMessageSize: maximumMessageSize, allocator: allocator)
        self.outbound = OutboundBuffer(allocator: allocator)
    }
}
