import NIOCore

/// One gRPC call on a server connection: its state (``ServerStreamStateMachine``, which holds
/// each phase's data), and what lasts across phases: the deframer of its request DATA, its
/// outbound buffer and its flow-control and budget accounting. Owned by a
/// ``ServerConnectionHandler`` and confined to its event loop.
final class ServerStream {
    let id: Int32
    /// Where the call is, with the data of that phase.
    var state = ServerStreamStateMachine()
    /// Splits request DATA into messages.
    var deframer: MessageDeframer
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
    /// Response bytes in ``outbound`` counted against the response budgets, and when the stream
    /// was first seen waiting on a zero window with bytes to send (nil while it is not).
    var responseBytes = 0
    var blockedSince: NIODeadline?
    /// Header bytes received and not kept (past the request block's limits, or trailers): bounded
    /// by ``ServerConnectionHandler/maximumIgnoredHeaderBytes``.
    var ignoredHeaderBytes = 0

    init(id: Int32, maximumMessageSize: Int, allocator: ByteBufferAllocator) {
        self.id = id
        self.deframer = MessageDeframer(maximumMessageSize: maximumMessageSize, allocator: allocator)
        self.outbound = OutboundBuffer(allocator: allocator)
    }
}
