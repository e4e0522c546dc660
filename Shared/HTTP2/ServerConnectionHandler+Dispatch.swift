import CNGHTTP2
import NIOCore
import RPC

extension ServerConnectionHandler {
    /// Starts the handlers whose requests became ready during the last `receive`.
    func startReadyStreams() {
        guard !readyStreams.isEmpty else { return }
        let ready = readyStreams
        readyStreams.removeAll(keepingCapacity: true)
        for id in ready {
            guard let stream = streams[id], !stream.started, stream.phase != .finished, let handler = stream.handler,
                let callContext = stream.context
            else { continue }
            guard runningHandlers < configuration.maximumConcurrentStreams else {
                fail(stream, RPCError(.resourceExhausted, "too many calls in progress on this connection"))
                continue
            }
            stream.started = true
            runningHandlers += 1
            switch handler.body {
            case .unary(let handle): startUnary(stream, handle, callContext)
            case .streaming(let handle): startStreaming(stream, handle, callContext)
            }
        }
    }

    private func startUnary(
        _ stream: ServerStream, _ handle: @escaping @Sendable ([UInt8], ServerContext) async throws -> [UInt8],
        _ callContext: ServerContext
    ) {
        guard let request = stream.unaryRequest, let context else {
            runningHandlers -= 1
            fail(stream, RPCError(.internal, "a unary call ended without a request message"))
            return
        }
        var callContext = callContext
        callContext.requestWasCompressed = request.compressed
        let bytes = request.bytes
        stream.unaryRequest = nil
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let id = stream.id
        let finalContext = callContext
        stream.task = Task.immediate {
            let outcome: Result<[UInt8], RPCError>
            do {
                outcome = .success(try await handle(bytes, finalContext))
            } catch {
                outcome = .failure(RPCError(converting: error))
            }
            if loop.inEventLoop {
                loopBound.value.finishUnary(streamID: id, outcome)
            } else {
                loop.execute { loopBound.value.finishUnary(streamID: id, outcome) }
            }
        }
    }

    private func finishUnary(streamID: Int32, _ outcome: Result<[UInt8], RPCError>) {
        runningHandlers -= 1
        defer {
            scheduleFlush()
            closeIfDrained()
        }
        guard let stream = streams[streamID], stream.phase == .notStarted, let callContext = stream.context else {
            return
        }
        switch outcome {
        case .success(let message):
            sendMessage(message, on: stream, context: callContext)
            finish(stream, code: .ok, message: "", trailers: callContext.response.trailers)
        case .failure(let error):
            fail(stream, error)
        }
    }

    private func startStreaming(
        _ stream: ServerStream,
        _ handle: @escaping @Sendable (MessageStream, MessageWriter, ServerContext) async throws -> Void,
        _ callContext: ServerContext
    ) {
        guard let context, let requests = stream.requests else { return }
        stream.requests = nil
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let id = stream.id
        let messages = MessageStream(requests) { _ in
            if loop.inEventLoop {
                loopBound.value.messageConsumed(streamID: id)
            } else {
                loop.execute { loopBound.value.messageConsumed(streamID: id) }
            }
        }
        let writer = MessageWriter { message in
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                if loop.inEventLoop {
                    loopBound.value.write(message, streamID: id, waiter: waiter)
                } else {
                    loop.execute { loopBound.value.write(message, streamID: id, waiter: waiter) }
                }
            }
        }
        stream.task = Task.immediate {
            let outcome: RPCError?
            do {
                try await handle(messages, writer, callContext)
                outcome = nil
            } catch {
                outcome = RPCError(converting: error)
            }
            if loop.inEventLoop {
                loopBound.value.finishStreaming(streamID: id, outcome)
            } else {
                loop.execute { loopBound.value.finishStreaming(streamID: id, outcome) }
            }
        }
    }

    private func write(_ message: [UInt8], streamID: Int32, waiter: CheckedContinuation<Void, any Error>) {
        guard let stream = streams[streamID], stream.phase != .finished, let callContext = stream.context else {
            waiter.resume(throwing: RPCError(.cancelled, "the call is no longer active"))
            return
        }
        sendMessage(message, on: stream, context: callContext)
        stream.outbound.admit(waiter)
        scheduleFlush()
    }

    private func finishStreaming(streamID: Int32, _ error: RPCError?) {
        runningHandlers -= 1
        defer {
            scheduleFlush()
            closeIfDrained()
        }
        guard let stream = streams[streamID], stream.phase != .finished, let callContext = stream.context else {
            return
        }
        if let error {
            fail(stream, error)
        } else {
            finish(stream, code: .ok, message: "", trailers: callContext.response.trailers)
        }
    }

    // MARK: Sending

    /// Queues one response message, sending the response headers first if needed.
    private func sendMessage(_ message: [UInt8], on stream: ServerStream, context callContext: ServerContext) {
        if stream.phase == .notStarted {
            stream.compressResponses = callContext.response.compressMessages && stream.head?.acceptsGzip == true
            let headers = ResponseHeaders.initial(
                compressed: stream.compressResponses, metadata: callContext.response.headers)
            guard submitResponse(stream, headers: headers, hasBody: true) else { return }
            stream.phase = .streaming
        }
        let payload = stream.compressResponses ? Gzip.compress(message) : message
        var framed = MessageFramer.frame(payload, compressed: stream.compressResponses, allocator: allocator)
        stream.outbound.append(&framed)
        session.resumeData(streamID: stream.id)
    }

    /// Ends the response with a status after the messages already queued.
    func finish(_ stream: ServerStream, code: StatusCode, message: String, trailers: Metadata) {
        stream.deadlineTimer?.cancel()
        switch stream.phase {
        case .finished:
            return
        case .notStarted:
            let headers = ResponseHeaders.trailersOnly(
                code: code, message: message, headers: stream.context?.response.headers ?? [:], trailers: trailers)
            submitResponse(stream, headers: headers, hasBody: false)
        case .streaming:
            stream.pendingTrailers = ResponseHeaders.trailers(code: code, message: message, metadata: trailers)
            session.resumeData(streamID: stream.id)
        }
        stream.phase = .finished
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
            stream.phase = .finished
            session.resetStream(stream.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
            return false
        }
    }

    /// Ends the response with an error status.
    func fail(_ stream: ServerStream, _ error: RPCError) {
        var trailers = stream.context?.response.trailers ?? [:]
        for entry in error.metadata { trailers.add(entry) }
        finish(stream, code: error.code, message: error.message, trailers: trailers)
    }
}
