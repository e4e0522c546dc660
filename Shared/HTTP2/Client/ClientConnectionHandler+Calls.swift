import CNGHTTP2
import NIOCore
import RPC

extension ClientConnectionHandler {
    /// The request headers of a call.
    func requestHeaders(path: String, options: CallOptions) -> HeaderList {
        var headers: HeaderList = [
            (":method", "POST"), (":scheme", scheme), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", configuration.userAgent),
            ("grpc-accept-encoding", ResponseHeaders.acceptEncoding),
        ]
        if options.compressRequests { headers.append(("grpc-encoding", "gzip")) }
        if let timeout = options.timeout { headers.append(("grpc-timeout", GRPCTimeout.format(timeout))) }
        ResponseHeaders.append(options.metadata, to: &headers)
        return headers
    }

    /// The largest request header list sent (counted as SETTINGS_MAX_HEADER_LIST_SIZE counts:
    /// each field's name, value and 32), whatever the server allows: nghttp2 sends no header
    /// block over 64 KiB, and a list within this is never encoded larger.
    static let maximumRequestHeaderListSize = 64 * 1_024

    /// Opens a stream for a call; nil (after failing the call) when the connection cannot.
    private func open(_ stream: ClientStream, path: String, options: CallOptions, handle: CallHandle) -> Bool {
        guard !handle.isCancelled else {
            complete(stream, RPCError(.cancelled, "the call was cancelled"))
            return false
        }
        let headers = requestHeaders(path: path, options: options)
        let size = HeaderFieldSize.of(headers)
        let limit = min(Int(session.peerMaxHeaderListSize), Self.maximumRequestHeaderListSize)
        guard size <= limit else {
            // Sent anyway, the server would refuse it, or nghttp2 would not send it at all (a
            // block over 64 KiB), which read as UNAVAILABLE "the server refused the stream" and
            // was retried.
            complete(
                stream,
                RPCError(
                    .resourceExhausted,
                    "the request's metadata (\(size) bytes) is larger than \(authority) accepts (\(limit) bytes)"))
            return false
        }
        guard !isDraining, let context, context.channel.isActive, let id = try? session.submitRequest(headers: headers)
        else {
            complete(stream, RPCError(.unavailable, "the connection to \(authority) is not accepting calls"))
            return false
        }
        stream.id = id
        streams[id] = stream
        handle.streamID = id
        if let timeout = options.timeout {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            stream.deadlineTimer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                loopBound.value.cancel(streamID: id, RPCError(.deadlineExceeded, "the deadline passed"))
            }
        }
        return true
    }

    /// Starts a unary call: the request is sent at once and ends the request side.
    func startUnary(
        path: String, request: [UInt8], options: CallOptions, handle: CallHandle,
        waiter: CheckedContinuation<UnaryResponse, any Error>
    ) {
        let stream = ClientStream(
            requestEnded: true, maximumMessageSize: configuration.maximumReceiveMessageSize, allocator: allocator)
        stream.unaryWaiter = waiter
        enqueue(request, on: stream, compress: options.compressRequests)
        guard open(stream, path: path, options: options, handle: handle) else { return }
        writePending(flush: !isReading)
        scheduleFlush()
    }

    /// Starts a streaming call; the future completes with the response headers and messages.
    func startStreaming(
        path: String, options: CallOptions, handle: CallHandle, on loop: any EventLoop
    ) -> EventLoopFuture<(Metadata, MessageStream)> {
        let stream = ClientStream(
            requestEnded: false, maximumMessageSize: configuration.maximumReceiveMessageSize, allocator: allocator)
        let (messages, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        stream.messages = continuation
        stream.messageStream = messageStream(messages, of: stream)
        let promise = loop.makePromise(of: (Metadata, MessageStream).self)
        stream.headersPromise = promise
        if open(stream, path: path, options: options, handle: handle) { scheduleFlush() }
        return promise.futureResult
    }

    /// The response messages of a streaming call; each message the caller reads lets the server
    /// send more (see ``messageConsumed(_:)``).
    private func messageStream(
        _ messages: AsyncThrowingStream<[UInt8], any Error>, of stream: ClientStream
    ) -> MessageStream {
        guard let loop = context?.eventLoop else { return MessageStream(messages) }
        let handler = NIOLoopBound(self, eventLoop: loop)
        let consumed = NIOLoopBound(stream, eventLoop: loop)
        return MessageStream(messages) { _ in
            if loop.inEventLoop {
                handler.value.messageConsumed(consumed.value)
            } else {
                loop.execute { handler.value.messageConsumed(consumed.value) }
            }
        }
    }

    /// The caller read a response message: once none waits unread, open the window for the
    /// bytes held back meanwhile.
    func messageConsumed(_ stream: ClientStream) {
        stream.queuedMessages = max(0, stream.queuedMessages - 1)
        guard stream.queuedMessages == 0, stream.heldBytes > 0, !stream.state.isFinished else { return }
        session.consume(streamID: stream.id, count: stream.heldBytes)
        stream.heldBytes = 0
        scheduleFlush()
    }

    /// The trailers of a streaming call, filled in when its status arrives.
    func trailerBox(streamID: Int32) -> StreamingResponse.TrailerBox? {
        streams[streamID]?.trailers
    }

    /// Writes one request message of a streaming call.
    func write(_ message: [UInt8], streamID: Int32, compress: Bool, waiter: CheckedContinuation<Void, any Error>) {
        guard let stream = streams[streamID], stream.state.acceptsRequestMessages else {
            waiter.resume(throwing: RPCError(.cancelled, "the call has ended"))
            return
        }
        enqueue(message, on: stream, compress: compress)
        session.resumeData(streamID: streamID)
        stream.outbound.admit(waiter)
        scheduleFlush()
    }

    /// Ends the request side of a streaming call.
    func finishRequest(streamID: Int32) {
        guard let stream = streams[streamID], stream.state.endRequest() else { return }
        session.resumeData(streamID: streamID)
        scheduleFlush()
    }

    /// Cancels a call: RST_STREAM(CANCEL) to the server, `error` to the caller.
    func cancel(streamID: Int32, _ error: RPCError) {
        guard let stream = streams[streamID], !stream.state.isFinished else { return }
        session.resetStream(streamID, errorCode: NGHTTP2_CANCEL.rawValue)
        complete(stream, error)
        scheduleFlush()
    }

    private func enqueue(_ message: [UInt8], on stream: ClientStream, compress: Bool) {
        let payload = compress ? Gzip.compress(message) : message
        var framed = MessageFramer.frame(payload, compressed: compress, allocator: allocator)
        stream.outbound.append(&framed)
    }

    /// Delivers the call's outcome once: a response or an error to the unary caller; headers,
    /// the end of the messages and the trailers to the streaming caller.
    func complete(_ stream: ClientStream, _ error: RPCError?, trailers: Metadata = [:]) {
        guard let headers = stream.state.finish() else { return }
        stream.deadlineTimer?.cancel()
        if stream.heldBytes > 0 {
            // Nobody will read them now: give the window back.
            session.consume(streamID: stream.id, count: stream.heldBytes)
            stream.heldBytes = 0
        }
        stream.outbound.releaseWriters(throwing: error ?? RPCError(.cancelled, "the call has ended"))
        if let waiter = stream.unaryWaiter {
            stream.unaryWaiter = nil
            if let error {
                waiter.resume(throwing: error)
            } else if let message = stream.unaryMessage {
                waiter.resume(returning: UnaryResponse(message: message, headers: headers, trailers: trailers))
            } else {
                waiter.resume(throwing: RPCError(.internal, "the server sent no response message"))
            }
        }
        stream.trailers.set(error?.metadata ?? trailers)
        if let promise = stream.headersPromise, let messages = stream.messageStream {
            stream.headersPromise = nil
            // A Trailers-Only response still yields (empty) headers and an ended stream, so the
            // caller sees the status from reading the messages.
            promise.succeed((headers, messages))
        }
        if let error { stream.messages?.finish(throwing: error) } else { stream.messages?.finish() }
        stream.messages = nil
    }
}
