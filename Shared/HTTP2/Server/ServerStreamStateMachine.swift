import NIOCore
import RPC

/// The life of one call on a server connection, as a value: each event the connection sees
/// (a header field, the block routed, DATA, END_STREAM, the handler starting, a message or the
/// status going out, the stream closing) changes the state and says what to do. Events that are
/// not legal in the current state say so in their result instead of changing anything.
///
/// The phases are the request header block arriving, routed (handler known, not started),
/// running, and finished (status queued, or the call abandoned); the request side ends
/// (END_STREAM) independently of them. Each phase holds its own data (`+States`): the headers
/// while they arrive, the request head and the handler once routed, the task while it runs, the
/// trailers once the status is queued. The actions the events return are in `+Actions`.
struct ServerStreamStateMachine {
    private(set) var state = State.receivingHeaders(HeaderBlock())

    /// A call whose header block has begun.
    init() {}

    // MARK: Observing

    /// The state without its data.
    var phase: Phase {
        switch state {
        case .receivingHeaders(let block): .receivingHeaders(requestEnded: block.requestEnded)
        case .routed(let call, _): .routed(requestEnded: call.requestEnded)
        case .running(let running):
            .running(requestEnded: running.call.requestEnded, responseStarted: running.response != .notStarted)
        case .finished(let finished): .finished(requestEnded: finished.requestEnded)
        case .modifying: .finished(requestEnded: false)  // never seen: only inside a transition
        }
    }

    /// Whether the client has ended its side (END_STREAM).
    var requestEnded: Bool {
        switch state {
        case .receivingHeaders(let block): block.requestEnded
        case .routed(let call, _): call.requestEnded
        case .running(let running): running.call.requestEnded
        case .finished(let finished): finished.requestEnded
        case .modifying: false
        }
    }

    /// Whether the status is queued or the call abandoned.
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Whether the request header block is still arriving (such a stream is not yet a call).
    var isReceivingHeaders: Bool {
        if case .receivingHeaders = state { return true }
        return false
    }

    /// The header block received so far, while it arrives.
    var headerBlock: HeaderBlock? {
        if case .receivingHeaders(let block) = state { return block }
        return nil
    }

    /// The routed call's handler and context (routed or running).
    var call: Call? {
        switch state {
        case .routed(let call, _): call
        case .running(let running): running.call
        case .receivingHeaders, .finished, .modifying: nil
        }
    }

    /// Whether received DATA may be reported consumed at once (inbound flow control): a unary
    /// call's until its one message is kept, a streaming call's while none of its messages waits
    /// unread.
    func consumesOnReceipt(queuedMessages: Int) -> Bool {
        if case .routed(_, .unary(let message)) = state { return message == nil }
        if case .unary = call?.accepted.handler.body { return true }
        return queuedMessages == 0
    }

    /// What a handler must be told if its call goes away now: its task, its request messages,
    /// its deadline timer.
    var handlerResources: HandlerResources {
        switch state {
        case .routed(let call, .streaming(let feed)):
            HandlerResources(requestFeed: feed, deadlineTimer: call.deadlineTimer)
        case .routed(let call, .unary):
            HandlerResources(deadlineTimer: call.deadlineTimer)
        case .running(let running):
            HandlerResources(
                task: running.task, requestFeed: running.requestFeed,
                deadlineTimer: running.call.deadlineTimer)
        case .finished(let finished):
            HandlerResources(task: finished.task, requestFeed: finished.requestFeed)
        case .receivingHeaders, .modifying:
            HandlerResources()
        }
    }

    // MARK: Request

    /// Whether a request header field arriving now would be kept: the block is still arriving
    /// and within its limits (a field that would not be kept need not be decoded into strings).
    var keepsHeaders: Bool {
        if case .receivingHeaders(let block) = state { return !block.overflowed }
        return false
    }

    /// One request header field of `size` bytes: appended while the block arrives. Once the block
    /// would exceed `maximumSize` bytes or `maximumCount` fields it is marked overflowed, the
    /// fields kept so far are dropped and no more are kept, so that the call is refused with a
    /// status when the block is complete (rather than reset: the client learns why). Trailers
    /// from a client (after the block) are ignored.
    mutating func receivedHeader(_ field: (name: String, value: String), size: Int, maximumSize: Int, maximumCount: Int)
    {
        guard case .receivingHeaders(var block) = state, !block.overflowed else { return }
        state = .modifying
        defer { state = .receivingHeaders(block) }
        // `size` is one field's (bounded by nghttp2's frame and table sizes) and the sum stops
        // growing at the first field past the limit: it cannot overflow.
        block.size += size
        guard block.size <= maximumSize, block.fields.count < maximumCount else {
            block.overflowed = true
            block.fields = []
            return
        }
        block.fields.append(field)
    }

    /// The header block was validated (`head`), routed and admitted (`accepted`). Returns false
    /// (and changes nothing) unless headers were still arriving.
    mutating func routed(head: RequestHead, accepted: ServerCallExecutor.Accepted) -> Bool {
        guard case .receivingHeaders(let block) = state else { return false }
        let route = Route(head: head, accepted: accepted)
        let call = Call(route: route, deadlineTimer: nil, requestEnded: block.requestEnded)
        switch accepted.handler.body {
        case .unary:
            state = .routed(call, .unary(nil))
        case .streaming:
            // The request stream exists from now on: messages may arrive before the handler runs.
            state = .routed(call, .streaming(RequestFeed()))
        }
        return true
    }

    /// The call's deadline timer was scheduled; returns false (the caller cancels it) unless
    /// the call is routed or running.
    mutating func deadlineScheduled(_ timer: Scheduled<Void>) -> Bool {
        switch state {
        case .routed(var call, let request):
            call.deadlineTimer = timer
            state = .routed(call, request)
        case .running(var running):
            running.call.deadlineTimer = timer
            state = .running(running)
        case .receivingHeaders, .finished, .modifying:
            return false
        }
        return true
    }

    /// Request DATA arrived.
    func receivedData() -> DataAction {
        switch state {
        case .routed, .running: .deliver
        case .receivingHeaders, .finished, .modifying: .discard
        }
    }

    /// A complete request message arrived.
    mutating func receivedMessage(_ message: MessageDeframer.Message) -> MessageAction {
        switch state {
        case .routed(let call, .unary(nil)):
            state = .routed(call, .unary(message))
            return .kept
        case .routed(_, .unary):
            return .secondUnaryMessage
        case .routed(_, .streaming(let feed)):
            return .yield(feed)
        case .running(let running):
            if let feed = running.requestFeed { return .yield(feed) }
            if case .unary = running.call.accepted.handler.body { return .secondUnaryMessage }
            return .drop
        case .receivingHeaders, .finished, .modifying:
            return .drop
        }
    }

    /// The client ended its side.
    mutating func receivedEndOfRequest() -> EndOfRequestAction {
        switch state {
        case .receivingHeaders(var block):
            block.requestEnded = true
            state = .receivingHeaders(block)
            return .none
        case .routed(var call, let request):
            call.requestEnded = true
            state = .routed(call, request)
            switch request {
            case .unary: return .startUnary
            case .streaming(let feed): return .finishRequests(feed)
            }
        case .running(var running):
            running.call.requestEnded = true
            let feed = running.requestFeed
            running.requestFeed = nil
            state = .running(running)
            return feed.map { .finishRequests($0) } ?? .none
        case .finished(var finished):
            finished.requestEnded = true
            state = .finished(finished)
            return .none
        case .modifying:
            return .none
        }
    }

    // MARK: Handler

    /// The handler is about to start: its call, and the request to give it.
    mutating func startHandler() throws(StartRefusal) -> (ServerCallExecutor.Accepted, StartedRequest) {
        switch state {
        case .routed(let call, .unary(let message)):
            state = .running(Running(call: call, requestFeed: nil, task: nil, response: .notStarted))
            return (call.accepted, .message(message))
        case .routed(let call, .streaming(let feed)):
            state = .running(
                Running(
                    call: call, requestFeed: call.requestEnded ? nil : feed, task: nil,
                    response: .notStarted))
            return (call.accepted, .messages(feed.messages))
        case .receivingHeaders: throw .notRouted
        case .running: throw .alreadyStarted
        case .finished, .modifying: throw .finished
        }
    }

    /// The handler's task exists (it may already have finished the call, inline).
    mutating func handlerStarted(_ task: Task<Void, Never>) {
        switch state {
        case .running(var running):
            running.task = task
            state = .running(running)
        case .finished(var finished):
            finished.task = task
            state = .finished(finished)
        case .receivingHeaders, .routed, .modifying:
            break
        }
    }

    // MARK: Response

    /// The handler sends a message. The first one sends the response headers; messages are
    /// compressed if the handler asks and the client accepts gzip.
    mutating func sendMessage() -> SendAction {
        switch state {
        case .running(var running):
            switch running.response {
            case .started(let compressed):
                return .sendMessage(compressed: compressed)
            case .notStarted:
                let response = running.call.accepted.context.response
                let compressed = response.compressMessages && running.call.head.acceptsGzip
                running.response = .started(compressed: compressed)
                state = .running(running)
                return .sendHeadersAndMessage(compressed: compressed, metadata: response.headers)
            }
        case .finished: return .callEnded
        case .receivingHeaders, .routed, .modifying: return .notRunning
        }
    }

    /// The response ends with a status (the handler's, an error's, the deadline's).
    mutating func finish(code: StatusCode, message: String, trailers: Metadata) -> FinishAction {
        switch state {
        case .finished, .modifying:
            return .alreadyFinished
        case .running(let running) where running.response != .notStarted:
            let queued = ResponseHeaders.trailers(code: code, message: message, metadata: trailers)
            state = .finished(finished(pendingTrailers: queued))
            return .trailersQueued
        case .receivingHeaders, .routed, .running:
            let headers = ResponseHeaders.trailersOnly(
                code: code, message: message, headers: call?.accepted.context.response.headers ?? [:],
                trailers: trailers)
            state = .finished(finished(pendingTrailers: nil))
            return .sendTrailersOnly(headers)
        }
    }

    /// The response cannot be sent (nghttp2 refused its headers, or the request is not HTTP
    /// gRPC): nothing more goes out; the handler, if any, is told when the stream closes.
    mutating func endResponseWithoutStatus() {
        guard !isFinished else { return }
        state = .finished(finished(pendingTrailers: nil))
    }

    /// The trailers waiting for the queued messages, taken to be sent.
    mutating func takeTrailers() -> HeaderList? {
        guard case .finished(var finished) = state, let trailers = finished.pendingTrailers else { return nil }
        finished.pendingTrailers = nil
        state = .finished(finished)
        return trailers
    }

    /// The stream is gone (reset, or the connection closed), or its response cannot be sent:
    /// nothing more goes out. Returns what the handler must be told (once; a second call
    /// returns nothing).
    mutating func abandon() -> HandlerResources {
        let resources = handlerResources
        state = .finished(Finished(requestEnded: requestEnded))
        return resources
    }

    /// A frame with END_STREAM went out: whether to reset the stream, because the status is out
    /// and the client is still sending (as gRPC servers do).
    func sentEndOfResponse() -> Bool {
        phase == .finished(requestEnded: false)
    }

    /// nghttp2 closed the stream: whether its handler must be told the call is gone (the status
    /// was not all sent, or the stream closed with an error).
    func closed(cleanly: Bool) -> Bool {
        !isFinished || !cleanly
    }

    /// The finished state that follows the current one, keeping what a reset must still cancel.
    private func finished(pendingTrailers: HeaderList?) -> Finished {
        let resources = handlerResources
        return Finished(
            requestEnded: requestEnded, pendingTrailers: pendingTrailers, task: resources.task,
            requestFeed: resources.requestFeed)
    }
}
