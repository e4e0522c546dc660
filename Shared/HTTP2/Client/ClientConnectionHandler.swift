import CNGHTTP2
import NIOCore
import RPC

/// One HTTP/2 connection on the client: opens a stream per call on an nghttp2 client session,
/// writes requests, and turns what comes back into responses and statuses. Confined to the
/// connection's event loop.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let session: NGHTTP2Session
    let configuration: ClientConfiguration
    let authority: String
    let scheme: String
    let allocator = ByteBufferAllocator()
    var context: ChannelHandlerContext?
    var streams: [Int32: ClientStream] = [:]
    /// The response header blocks arriving, by stream.
    var incomingHeaders: [Int32: IncomingHeaderBlock] = [:]
    var isReading = false
    let output = SessionOutput()
    /// Whether the server sent GOAWAY: no new streams go on this connection.
    var isDraining = false
    let onGoaway: @Sendable () -> Void

    init?(configuration: ClientConfiguration, authority: String, onGoaway: @escaping @Sendable () -> Void) {
        // It announces the response header list it keeps (SETTINGS_MAX_HEADER_LIST_SIZE): a peer that
        // honours the setting (gRPC C++ does) otherwise holds its metadata to the server default.
        var limits = NGHTTP2Session.Limits()
        limits.maxHeaderListSize = UInt32(Self.maximumResponseHeaderListSize)
        guard let session = try? NGHTTP2Session(role: .client, limits: limits) else { return nil }
        self.session = session
        self.configuration = configuration
        self.authority = authority
        self.scheme = configuration.tls == nil ? "http" : "https"
        self.onGoaway = onGoaway
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { writePending(flush: true) }
    }

    /// The pipeline holds this handler through the context and the handler holds the context:
    /// dropping it here breaks that cycle, or every closed connection would stay in memory.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        writePending(flush: true)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        isReading = true
        let accepted = buffer.withUnsafeReadableBytes { session.receive($0, delegate: self) }
        if !accepted {
            writePending(flush: true)
            context.close(promise: nil)
            return
        }
        writePending(flush: false)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        writePending(flush: true)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { writePending(flush: true) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for stream in streams.values {
            complete(stream, RPCError(.unavailable, "the connection to \(authority) closed"))
        }
        streams.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Output

    /// Writes nghttp2's output, flushing if asked; closes a draining connection once its last
    /// stream is done, and a connection whose session has ended (nghttp2 answered a protocol
    /// error of the peer with GOAWAY): its calls then fail UNAVAILABLE and the transport connects
    /// again, instead of every call waiting for its deadline on a dead connection.
    func writePending(flush: Bool) {
        guard let context else { return }
        var closing = (isDraining && streams.isEmpty) || !session.isAlive
        guard output.drain(session, delegate: self, to: context, flush: flush || closing) else {
            context.close(promise: nil)
            return
        }
        if !closing, !session.isAlive {
            // This drain sent the session's last frame: flush it before closing.
            closing = true
            context.flush()
        }
        if closing { context.close(promise: nil) }
    }

    /// Writes and flushes soon, once for everything that happens before the task runs.
    func scheduleFlush() {
        guard !isReading, !output.flushScheduled, let context else { return }
        output.flushScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = loopBound.value
            handler.output.flushScheduled = false
            handler.writePending(flush: true)
        }
    }
}
