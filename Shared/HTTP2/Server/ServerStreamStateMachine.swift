/// The life of one call on a server connection, as a value: each event the connection sees
/// (headers routed, DATA, END_STREAM, the handler starting, a message or the status going out,
/// the stream closing) changes the state and says what to do. Events that are not legal in the
/// current state say so in their result instead of changing anything.
///
/// Three things move independently: the request side (open until the client's END_STREAM), the
/// handler (not started, then running), and the response (nothing sent, headers sent, status
/// queued). Once the status is queued the call is `finished`: nothing more goes out, and what
/// still arrives is dropped.
struct ServerStreamStateMachine: Equatable {
    /// Where the call is.
    enum State: Equatable {
        /// The request header block is still arriving.
        case receivingHeaders(requestEnded: Bool)
        /// Routed and admitted: a handler is known but has not started.
        case routed(requestEnded: Bool)
        /// The handler runs; `responseStarted` once the response headers are queued.
        case running(requestEnded: Bool, responseStarted: Bool)
        /// The status is queued (or the call is abandoned): nothing more can be sent.
        case finished(requestEnded: Bool)
    }

    /// What to do with request DATA.
    enum DataAction: Equatable {
        /// Hand it to the call (deframe, deliver).
        case deliver
        /// Nobody will read it: give the window back at once.
        case discard
    }

    /// What to do when the client ends its side.
    enum EndOfRequestAction: Equatable {
        /// The routed call's request is complete: deliver the end to it.
        case endRequest
        /// Nothing waits for it (not routed, or already finished).
        case none
    }

    /// What to do to send a response message.
    enum SendAction: Equatable {
        /// Queue the response headers, then the message.
        case sendHeadersAndMessage
        /// Queue the message after what is queued.
        case sendMessage
        /// The call has ended: the message cannot go out.
        case callEnded
        /// No handler runs, so no message can come from one (an illegal transition).
        case notRunning
    }

    /// How to end the response with a status.
    enum FinishAction: Equatable {
        /// Nothing was sent: one header block carries the status (Trailers-Only).
        case trailersOnly
        /// Headers were sent: the status follows the queued messages as trailers.
        case trailers
        /// The status is already queued: nothing to do.
        case alreadyFinished
    }

    /// The handler cannot start (an illegal transition), and why.
    enum StartRefusal: Error, Equatable {
        /// The call is not routed yet.
        case notRouted
        /// It already runs.
        case alreadyStarted
        /// The call has ended.
        case finished
    }

    private(set) var state = State.receivingHeaders(requestEnded: false)

    /// A call whose header block has begun.
    init() {}

    /// Whether the client has ended its side (END_STREAM).
    var requestEnded: Bool {
        switch state {
        case .receivingHeaders(let ended), .routed(let ended), .running(let ended, _), .finished(let ended):
            return ended
        }
    }

    /// Whether the status is queued or the call abandoned.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Whether the response is still untouched by the handler: a unary outcome is accepted only
    /// then (a status sent meanwhile, by the deadline or a reset, wins).
    var awaitsUnaryOutcome: Bool {
        state == .running(requestEnded: requestEnded, responseStarted: false)
    }

    /// The header block was validated, routed and admitted. Returns false (and changes nothing)
    /// unless headers were still arriving.
    mutating func routed() -> Bool {
        guard case .receivingHeaders(let ended) = state else { return false }
        state = .routed(requestEnded: ended)
        return true
    }

    /// Request DATA arrived.
    func receivedData() -> DataAction {
        switch state {
        case .routed, .running: return .deliver
        case .receivingHeaders, .finished: return .discard
        }
    }

    /// The client ended its side.
    mutating func receivedEndOfRequest() -> EndOfRequestAction {
        switch state {
        case .receivingHeaders:
            state = .receivingHeaders(requestEnded: true)
            return .none
        case .routed:
            state = .routed(requestEnded: true)
            return .endRequest
        case .running(_, let started):
            state = .running(requestEnded: true, responseStarted: started)
            return .endRequest
        case .finished:
            state = .finished(requestEnded: true)
            return .none
        }
    }

    /// The handler is about to start.
    mutating func startHandler() throws(StartRefusal) {
        switch state {
        case .routed(let ended): state = .running(requestEnded: ended, responseStarted: false)
        case .receivingHeaders: throw .notRouted
        case .running: throw .alreadyStarted
        case .finished: throw .finished
        }
    }

    /// The handler sends a message.
    mutating func sendMessage() -> SendAction {
        switch state {
        case .running(let ended, false):
            state = .running(requestEnded: ended, responseStarted: true)
            return .sendHeadersAndMessage
        case .running(_, true): return .sendMessage
        case .finished: return .callEnded
        case .receivingHeaders, .routed: return .notRunning
        }
    }

    /// The response ends with a status (the handler's, an error's, the deadline's).
    mutating func finish() -> FinishAction {
        let ended = requestEnded
        switch state {
        case .finished: return .alreadyFinished
        case .running(_, true):
            state = .finished(requestEnded: ended)
            return .trailers
        case .receivingHeaders, .routed, .running(_, false):
            state = .finished(requestEnded: ended)
            return .trailersOnly
        }
    }

    /// The stream is gone (reset, or the connection closed): nothing more is sent.
    mutating func abandon() {
        state = .finished(requestEnded: requestEnded)
    }

    /// A frame with END_STREAM went out: whether to reset the stream, because the status is out
    /// and the client is still sending (as gRPC servers do).
    func sentEndOfResponse() -> Bool {
        state == .finished(requestEnded: false)
    }

    /// nghttp2 closed the stream: whether its handler must be told the call is gone (the status
    /// was not all sent, or the stream closed with an error).
    func closed(cleanly: Bool) -> Bool {
        !isFinished || !cleanly
    }
}
