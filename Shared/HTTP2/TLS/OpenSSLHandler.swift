import NIOCore

/// TLS on a NIO channel: drives a ``TLSConnection`` (the OpenSSL object, kept apart as
/// swift-nio-ssl keeps `SSLConnection` apart from `NIOSSLHandler`) with the channel's bytes.
/// Ciphertext read from the socket is fed to the connection and the plaintext it yields is
/// passed on; plaintext written by the HTTP/2 handler is encrypted and the records are written to
/// the socket. A write's promise completes when its records have been written to the socket, not
/// before: writes made during the handshake wait for it. A handshake that fails, or that does
/// not negotiate `h2`, is reported with `fireErrorCaught` and closes the connection; so does a
/// failed encryption, which fails the write's promise. Confined to the channel's event loop.
final class OpenSSLHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Role = TLSConnection.Role

    /// Where the connection is; every event is decided by it.
    enum State {
        /// Before the handshake: the client starts it when the channel is active, the server
        /// when the first bytes arrive.
        case idle
        /// Handshake messages are being exchanged; writes wait.
        case handshaking
        /// Application data flows both ways.
        case active
        /// close_notify sent or the connection failed: nothing more is read or written.
        case closing
        /// The channel is closed.
        case closed
    }

    private let tls: TLSConnection
    private let role: Role
    private var state = State.idle
    /// Plaintext not yet encrypted, with the promises of its writes (in order).
    private var pendingWrites = CircularBuffer<(plaintext: ByteBuffer, promise: EventLoopPromise<Void>?)>()
    /// Where `SSL_read` decrypts to; passed on and reused once the next handler lets go of it.
    private var readBuffer = ByteBuffer()

    init(context: OpenSSLContext, role: Role) throws {
        tls = try TLSConnection(context: context, role: role)
        self.role = role
    }

    // MARK: Inbound

    func handlerAdded(context: ChannelHandlerContext) {
        readBuffer = context.channel.allocator.buffer(capacity: 16 * 1024)
        if role == .client, context.channel.isActive { advanceHandshake(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failPendingWrites(ChannelError.ioOnClosedChannel)
    }

    func channelActive(context: ChannelHandlerContext) {
        if role == .client { advanceHandshake(context: context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .idle, .handshaking, .active:
            break
        case .closing, .closed:
            return
        }
        do {
            try tls.feed(unwrapInboundIn(data))
        } catch {
            fail(error, context: context)
            return
        }
        if state != .active {
            advanceHandshake(context: context)
            guard state == .active else { return }
        }
        readPlaintext(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        failPendingWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .idle, .handshaking:
            pendingWrites.append((unwrapOutboundIn(data), promise))
        case .active:
            pendingWrites.append((unwrapOutboundIn(data), promise))
            encryptPendingWrites(context: context)
        case .closing, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func flush(context: ChannelHandlerContext) {
        // During the handshake the writes wait; they are flushed when it completes.
        if state == .active { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if state == .active, mode == .all {
            state = .closing
            sendCloseNotify(context: context)
        }
        if mode == .all { failPendingWrites(ChannelError.ioOnClosedChannel) }
        context.close(mode: mode, promise: promise)
    }

    // MARK: Driving the connection

    private func advanceHandshake(context: ChannelHandlerContext) {
        state = .handshaking
        switch tls.handshake() {
        case .incomplete:
            writeCiphertext(context: context, promise: nil)
            context.flush()
        case .failed(let error):
            fail(error, context: context)
        case .complete:
            guard tls.negotiatedProtocol == "h2" else {
                fail(.applicationProtocolNotNegotiated, context: context)
                return
            }
            state = .active
            writeCiphertext(context: context, promise: nil)
            encryptPendingWrites(context: context)
            context.flush()
            readPlaintext(context: context)
        }
    }

    /// Passes on every plaintext byte OpenSSL can decrypt now; answers the peer's close_notify.
    private func readPlaintext(context: ChannelHandlerContext) {
        while state == .active {
            readBuffer.clear()
            switch tls.read(into: &readBuffer) {
            case .complete(0):
                // The peer's close_notify: answer it and close.
                state = .closing
                sendCloseNotify(context: context)
                failPendingWrites(ChannelError.outputClosed)
                context.close(promise: nil)
            case .complete:
                context.fireChannelRead(wrapInboundOut(readBuffer))
            case .incomplete:
                // A write OpenSSL could not take before this input can go now; post-handshake
                // messages (session tickets, key updates) may want an answer.
                encryptPendingWrites(context: context)
                if let ciphertext = tls.takeCiphertext(allocator: context.channel.allocator) {
                    context.writeAndFlush(wrapOutboundOut(ciphertext), promise: nil)
                }
                return
            case .failed(let error):
                fail(error, context: context)
            }
        }
    }

    /// Encrypts the waiting writes in order; each write's promise follows the socket write of its
    /// records. A failed encryption fails that write and closes the connection.
    private func encryptPendingWrites(context: ChannelHandlerContext) {
        while state == .active, let next = pendingWrites.first {
            switch tls.write(next.plaintext) {
            case .complete:
                pendingWrites.removeFirst()
                writeCiphertext(context: context, promise: next.promise)
            case .incomplete:
                return  // retried after the next read
            case .failed(let error):
                pendingWrites.removeFirst()
                next.promise?.fail(error)
                fail(error, context: context)
            }
        }
    }

    /// Writes (without flushing) what OpenSSL has produced; `promise` completes with that write,
    /// or at once if there was nothing to write.
    private func writeCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard let ciphertext = tls.takeCiphertext(allocator: context.channel.allocator) else {
            promise?.succeed()
            return
        }
        context.write(wrapOutboundOut(ciphertext), promise: promise)
    }

    /// Sends close_notify (a failure to is only logged: the connection is closing anyway).
    private func sendCloseNotify(context: ChannelHandlerContext) {
        if case .failed(let error) = tls.shutdown() { TransportLog.warning("\(error)") }
        writeCiphertext(context: context, promise: nil)
        context.flush()
    }

    /// Sends any alert OpenSSL has queued, reports `error` and closes the connection.
    private func fail(_ error: TLSError, context: ChannelHandlerContext) {
        switch state {
        case .closing, .closed:
            return
        case .idle, .handshaking, .active:
            state = .closing
        }
        TransportLog.warning("\(context.channel.remoteAddress.map { "\($0)" } ?? "a peer"): \(error); closing")
        writeCiphertext(context: context, promise: nil)
        context.flush()
        failPendingWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failPendingWrites(_ error: any Error) {
        while let write = pendingWrites.popFirst() {
            write.promise?.fail(error)
        }
    }
}
