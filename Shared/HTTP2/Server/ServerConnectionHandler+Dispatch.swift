import CNGHTTP2
import NIOCore
import RPC

/// Starting calls and sending their responses. The call's semantics (deadline, status, error
/// mapping) are ``RPC/ServerCallExecutor``'s; this carries its messages and status as HTTP/2.
extension ServerConnectionHandler {
    /// Starts the handlers whose requests became ready during the last `receive`.
    func startReadyStreams() {
        guard !readyStreams.isEmpty else { return }
        let ready = readyStreams
        readyStreams.removeAll(keepingCapacity: true)
        for id in ready {
            guard let stream = streams[id], let call = stream.call, (try? stream.state.startHandler()) != nil
            else { continue }
            guard runningHandlers < configuration.maximumConcurrentStreams else {
                fail(stream, RPCError(.resourceExhausted, "too many calls in progress on this connection"))
                continue
            }
            runningHandlers += 1
            start(stream, call)
        }
    }

    /// Runs the call's handler through the executor in a task started on the event loop
    /// (`Task.immediate`): a handler that does not suspend answers within this read, and one
    /// that suspends resumes on the loop (the task prefers ``EventLoopTaskExecutor``).
    private func start(_ stream: ServerStream, _ call: ServerCallExecutor.Accepted) {
        guard let context else {
            runningHandlers -= 1
            return
        }
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let id = stream.id
        var call = call
        let request: ServerCallExecutor.Request
        if case .unary = call.handler.body {
            guard let message = stream.unaryRequest else {
                runningHandlers -= 1
                fail(stream, RPCError(.internal, "a unary call ended without a request message"))
                return
            }
            call.context.requestWasCompressed = message.compressed
            stream.unaryRequest = nil
            request = .message(message.bytes)
        } else {
            guard let requests = stream.requests else {
                runningHandlers -= 1
                fail(stream, RPCError(.internal, "a streaming call has no request stream"))
                return
            }
            stream.requests = nil
            request = .messages(
                MessageStream(requests) { _ in
                    if loop.inEventLoop {
                        loopBound.value.messageConsumed(streamID: id)
                    } else {
                        loop.execute { loopBound.value.messageConsumed(streamID: id) }
                    }
                })
        }
        let callStream = HTTP2ServerCallStream(connection: loopBound, loop: loop, streamID: id)
        let accepted = call
        stream.task = Task.immediate(executorPreference: taskExecutor) {
            await ServerCallExecutor.execute(accepted, request: request, on: callStream)
        }
    }

    /// A handler wrote a response message.
    func write(_ message: [UInt8], streamID: Int32, waiter: CheckedContinuation<Void, any Error>) {
        guard let stream = streams[streamID], let callContext = stream.call?.context,
            sendMessage(message, on: stream, context: callContext)
        else {
            waiter.resume(throwing: RPCError(.cancelled, "the call is no longer active"))
            return
        }
        stream.outbound.admit(waiter)
        scheduleFlush()
    }

    /// The executor ended the call: its last message (a unary call's response) and its status.
    func finishCall(streamID: Int32, _ outcome: ServerCallOutcome) {
        runningHandlers -= 1
        defer {
            scheduleFlush()
            closeIfDrained()
        }
        guard let stream = streams[streamID], !stream.state.isFinished, let callContext = stream.call?.context else {
            return
        }
        switch outcome {
        case .ok(let message, let trailers):
            if let message, !sendMessage(message, on: stream, context: callContext) { return }
            finish(stream, code: .ok, message: "", trailers: trailers)
        case .failed(let error):
            finish(stream, code: error.code, message: error.message, trailers: error.metadata)
        }
    }

    // MARK: Sending

    /// Queues one response message, sending the response headers first if needed; returns false
    /// (queuing nothing) if the call can send no more.
    private func sendMessage(_ message: [UInt8], on stream: ServerStream, context callContext: ServerContext) -> Bool {
        switch stream.state.sendMessage() {
        case .callEnded, .notRunning:
            return false
        case .sendHeadersAndMessage:
            stream.compressResponses = callContext.response.compressMessages && stream.head?.acceptsGzip == true
            let headers = ResponseHeaders.initial(
                compressed: stream.compressResponses, metadata: callContext.response.headers)
            guard submitResponse(stream, headers: headers, hasBody: true) else { return false }
        case .sendMessage:
            break
        }
        let payload = stream.compressResponses ? Gzip.compress(message) : message
        var framed = MessageFramer.frame(payload, compressed: stream.compressResponses, allocator: allocator)
        stream.outbound.append(&framed)
        session.resumeData(streamID: stream.id)
        return true
    }

    /// Ends the response with a status after the messages already queued.
    func finish(_ stream: ServerStream, code: StatusCode, message: String, trailers: Metadata) {
        stream.deadlineTimer?.cancel()
        switch stream.state.finish() {
        case .alreadyFinished:
            return
        case .trailersOnly:
            let headers = ResponseHeaders.trailersOnly(
                code: code, message: message, headers: stream.call?.context.response.headers ?? [:],
                trailers: trailers)
            submitResponse(stream, headers: headers, hasBody: false)
        case .trailers:
            stream.pendingTrailers = ResponseHeaders.trailers(code: code, message: message, metadata: trailers)
            session.resumeData(streamID: stream.id)
        }
        releaseBuffers(of: stream)
        stream.outbound.releaseWriters(throwing: RPCError(.cancelled, "the call has already ended"))
    }

    /// Queues response headers; if nghttp2 refuses them, logs why and resets the stream (its
    /// close then ends the call). Returns whether they were queued.
    @discardableResult
    func submitResponse(_ stream: ServerStream, headers: HeaderList, hasBody: Bool) -> Bool {
        do {
            try session.submitResponse(streamID: stream.id, headers: headers, hasBody: hasBody)
            return true
        } catch {
            TransportLog.error("stream \(stream.id): \(error); resetting the stream")
            _ = stream.state.finish()
            session.resetStream(stream.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
            return false
        }
    }

    /// Ends the response with an error status, as the executor maps it (with the call's trailers).
    func fail(_ stream: ServerStream, _ error: RPCError) {
        let failure = ServerCallExecutor.failure(error, context: stream.call?.context)
        finish(stream, code: failure.code, message: failure.message, trailers: failure.metadata)
    }
}
