import RPC

/// The life of one call on a client connection, as a value: each event (the caller ending its
/// request, response headers, DATA, END_STREAM, the outcome delivered) changes the state and
/// says what to do. Events that come too late say so in their result instead of changing
/// anything.
///
/// The request side is open until the caller ends it (a unary call's at once); the response
/// side waits for its headers, then receives messages, and the call is `finished` once its
/// outcome is delivered (a status, an error, a cancellation), after which nothing is sent or
/// delivered.
struct ClientStreamStateMachine: Equatable {
    /// Where the call is.
    enum State: Equatable {
        /// The response headers have not arrived.
        case awaitingResponse(requestEnded: Bool)
        /// The response headers arrived (their metadata), and whether messages are gzip-compressed.
        case receiving(requestEnded: Bool, headers: Metadata, compressed: Bool)
        /// The outcome is delivered. The request side may still be open: ending it sends
        /// END_STREAM, which closes the stream.
        case finished(requestEnded: Bool)
    }

    /// What to do with a response header block.
    enum HeadersAction: Equatable {
        /// The response has begun: hand its headers to a streaming caller.
        case deliverHeaders(Metadata)
        /// The block carries the status (trailers, or a Trailers-Only response): end the call
        /// with it.
        case endWithStatus
        /// The response is not gRPC: fail the call with this error and reset the stream.
        case refuse(RPCError)
        /// The call has ended: nothing to do.
        case ignore
    }

    /// What to do with response DATA.
    enum DataAction: Equatable {
        /// Deframe and deliver it; messages are gzip-compressed if `compressed`.
        case deliver(compressed: Bool)
        /// Nobody will read it: give the window back at once.
        case discard
    }

    private(set) var state: State

    /// A call whose request is still open (`requestEnded` for a unary call, whose one message
    /// is queued with the end).
    init(requestEnded: Bool = false) {
        state = .awaitingResponse(requestEnded: requestEnded)
    }

    /// Whether the outcome is delivered.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Whether the caller has ended the request side.
    var requestEnded: Bool {
        switch state {
        case .awaitingResponse(let ended), .receiving(let ended, _, _), .finished(let ended): ended
        }
    }

    /// Whether the caller may still write request messages: not once the request ended or the
    /// call is over.
    var acceptsRequestMessages: Bool { !requestEnded && !isFinished }

    // MARK: Request

    /// The caller ends the request side (also after the outcome, so that END_STREAM closes the
    /// stream). Returns false (changing nothing) if it had ended.
    mutating func endRequest() -> Bool {
        switch state {
        case .awaitingResponse(false):
            state = .awaitingResponse(requestEnded: true)
        case .receiving(false, let headers, let compressed):
            state = .receiving(requestEnded: true, headers: headers, compressed: compressed)
        case .finished(false):
            state = .finished(requestEnded: true)
        case .awaitingResponse(true), .receiving(true, _, _), .finished(true):
            return false
        }
        return true
    }

    /// nghttp2 took request bytes and the buffer is now `drained` or not: whether the request
    /// body ends here (END_STREAM).
    func requestBodyEnds(drained: Bool) -> Bool {
        drained && requestEnded
    }

    // MARK: Response

    /// A response header block arrived (`endStream` if it ends the stream).
    mutating func receivedHeaders(_ block: HeaderList, endStream: Bool) -> HeadersAction {
        switch state {
        case .finished:
            return .ignore
        case .receiving:
            return .endWithStatus
        case .awaitingResponse(let ended):
            let status = block.first { $0.name == ":status" }.flatMap { Int($0.value) } ?? 0
            guard status == 200 else { return .refuse(ResponseStatus.fromHTTPStatus(status)) }
            let contentType = block.first { $0.name == "content-type" }?.value ?? ""
            guard contentType.hasPrefix("application/grpc") else {
                return .refuse(RPCError(.unknown, "the response content-type '\(contentType)' is not gRPC"))
            }
            let headers = HeaderMetadata.decode(block)
            let compressed = block.contains { $0.name == "grpc-encoding" && $0.value == "gzip" }
            state = .receiving(requestEnded: ended, headers: headers, compressed: compressed)
            return endStream ? .endWithStatus : .deliverHeaders(headers)
        }
    }

    /// Response DATA arrived.
    func receivedData() -> DataAction {
        switch state {
        case .awaitingResponse: .deliver(compressed: false)
        case .receiving(_, _, let compressed): .deliver(compressed: compressed)
        case .finished: .discard
        }
    }

    /// The response ended (END_STREAM on DATA, or the stream closed): whether the call still
    /// waits for an outcome, which is then an error (no trailers came).
    func receivedEnd() -> Bool {
        !isFinished
    }

    /// The outcome is being delivered: returns the response headers' metadata (empty if none
    /// came) the first time, nil once the call has ended.
    mutating func finish() -> Metadata? {
        let headers: Metadata
        switch state {
        case .finished: return nil
        case .awaitingResponse: headers = [:]
        case .receiving(_, let received, _): headers = received
        }
        state = .finished(requestEnded: requestEnded)
        return headers
    }
}
