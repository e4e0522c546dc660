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
            guard let stream = streams[id], let (call, request) = try? stream.state.startHandler() else { continue }
            guard runningHandlers < configuration.maximumConcurrentStreams else {
                fail(stream, RPCError(.resourceExhausted, "too many calls in progress on this connection"))
                continue
            }
            runningHandlers += 1
            start(stream, call, request)
        }
    }

    /// Runs the call's handler through the executor in a task started on the event loop
    /// (`Task.immediate`): a handler that does not suspend answers within this read, and one
    /// that suspends resumes on the loop (the task prefers ``EventLoopTaskExecutor``).
    private func start(
        _ stream: ServerStream, _ call: ServerCallExecutor.Accepted, _ started: ServerStreamStateMachine.StartedRequest
    ) {
        guard let context else {
            runningHandlers -= 1
            return
        }
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let id = stream.id
        var call = call
        let request: ServerCallExecutor.Request
        switch started {
        case .message(let message):
            guard let message else {
                runningHandlers -= 1
                fail(stream, RPCError(.internal, "a unary call ended without a request message"))
                return
            }
            call.context.requestWasCompressed = message.compressed
            request = .message(message.bytes)
        case .messages(let requests):
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
        let task = Task.immediate(executorPreference: taskExecutor) {
            await ServerCallExecutor.execute(accepted, request: request, on: callStream)
        }
        stream.state.handlerStarted(task)
    }

    /// A handler wrote a response message.
    func write(_ message: [UInt8], streamID: Int32, waiter: CheckedContinuation<Void, any Error>) {
        guard let stream = streams[streamID] else {
            waiter.resume(throwing: Self.callEnded)
            return
        }
        do throws(RPCError) {
            try sendMessage(message, on: stream)
        } catch {
            waiter.resume(throwing: error)
            scheduleFlush()
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
        guard let stream = streams[streamID], !stream.state.isFinished, stream.state.call != nil else { return }
        switch outcome {
        case .ok(let message, let trailers):
            if let message {
                do throws(RPCError) { try sendMessage(message, on: stream) } catch { return }
            }
            finish(stream, code: .ok, message: "", trailers: trailers)
        case .failed(let error):
            finish(stream, code: error.code, message: error.message, trailers: error.metadata)
        }
    }

    // MARK: Sending

    static let callEnded = RPCError(.cancelled, "the call is no longer active")

    /// Queues one response message, sending the response headers first if needed. Throws
    /// (queuing nothing) if the call can send no more, or RESOURCE_EXHAUSTED (after resetting
    /// the stream) if the message does not fit the response budgets.
    private func sendMessage(_ message: [UInt8], on stream: ServerStream) throws(RPCError) {
        let compressed: Bool
        let headers: HeaderList?
        switch stream.state.sendMessage() {
        case .callEnded, .notRunning:
            throw Self.callEnded
        case .sendHeadersAndMessage(let compress, let metadata):
            compressed = compress
            headers = ResponseHeaders.initial(compressed: compressed, metadata: metadata)
        case .sendMessage(let compress):
            compressed = compress
            headers = nil
        }
        let payload = compressed ? Gzip.compress(message) : message
        var framed = MessageFramer.frame(payload, compressed: compressed, allocator: allocator)
        guard reserveResponse(framed.readableBytes, for: stream) else {
            let error = RPCError(.resourceExhausted, Self.responseBufferFull)
            reset(stream, holdingResponse: error)
            throw error
        }
        if let headers, !submitResponse(stream, headers: headers, hasBody: true) {
            releaseResponse(framed.readableBytes, for: stream)
            throw Self.callEnded
        }
        stream.outbound.append(&framed)
        session.resumeData(streamID: stream.id)
    }

    /// Ends the response with a status after the messages already queued.
    func finish(_ stream: ServerStream, code: StatusCode, message: String, trailers: Metadata) {
        stream.state.handlerResources.deadlineTimer?.cancel()
        switch stream.state.finish(code: code, message: message, trailers: trailers) {
        case .alreadyFinished:
            return
        case .sendTrailersOnly(let headers):
            submitResponse(stream, headers: headers, hasBody: false)
        case .trailersQueued:
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
            stream.state.endResponseWithoutStatus()
            session.resetStream(stream.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
            return false
        }
    }

    /// Ends the call with an error status, as the executor maps it (with the call's trailers),
    /// decided here (a request message too large or malformed, the deadline, too many calls):
    /// a handler still running is cancelled and its request messages end with an error, or it
    /// would wait for messages that will never come.
    func fail(_ stream: ServerStream, _ error: RPCError) {
        let handler = stream.state.handlerResources
        handler.task?.cancel()
        handler.requestFeed?.continuation.finish(throwing: CancellationError())
        let failure = ServerCallExecutor.failure(error, context: stream.state.call?.accepted.context)
        finish(stream, code: failure.code, message: failure.message, trailers: failure.metadata)
    }
}
