import NIOCore
import RPC

/// The states of ``ServerStreamStateMachine`` and what each holds: data exists only in the phase
/// that uses it (no request head before the header block is complete, no task before the handler
/// runs, no pending trailers before the status is queued).
extension ServerStreamStateMachine {
    /// Request messages a streaming handler reads, and what feeds them.
    typealias RequestMessages = AsyncThrowingStream<[UInt8], any Error>

    /// Where the call is.
    enum State {
        /// The request header block is still arriving.
        case receivingHeaders(HeaderBlock)
        /// Routed and admitted: a handler is known but has not started.
        case routed(Call, PendingRequest)
        /// The handler runs.
        case running(Running)
        /// The status is queued (or the call is abandoned): nothing more can be sent.
        case finished(Finished)
        /// Only while a transition mutates a state's data in place (so that its arrays are not
        /// copied); never seen outside one.
        case modifying
    }

    /// Request headers as they arrive, and their total size so far (each field counts its name,
    /// its value and 32 bytes, as SETTINGS_MAX_HEADER_LIST_SIZE does). Once the block grows past
    /// its limits it is `overflowed`: its fields are dropped and no more are kept (the call is
    /// refused when the block is complete).
    struct HeaderBlock {
        var fields: HeaderList = []
        var size = 0
        var requestEnded = false
        var overflowed = false
    }

    /// A routed call: its validated head, its handler and context (one shared ``Route``), its
    /// deadline timer, and whether the request has ended.
    struct Call {
        let route: Route
        var deadlineTimer: Scheduled<Void>?
        var requestEnded: Bool

        /// The validated request head.
        var head: RequestHead { route.head }
        /// The handler and its context.
        var accepted: ServerCallExecutor.Accepted { route.accepted }
    }

    /// What never changes once a call is routed, held by reference: every transition moves the
    /// state's data, and copying the head and context (a dozen strings, dictionaries and
    /// closures) at each one cost about a sixth of the echo benchmark's throughput; one
    /// reference costs one retain.
    final class Route {
        let head: RequestHead
        let accepted: ServerCallExecutor.Accepted

        init(head: RequestHead, accepted: ServerCallExecutor.Accepted) {
            self.head = head
            self.accepted = accepted
        }
    }

    /// A streaming call's request messages and the continuation that feeds them, held by
    /// reference: the standard library's `AsyncThrowingStream` and its `Continuation` have no
    /// fixed layout outside it, so a state enum holding them directly is copied, switched and
    /// destroyed through runtime calls at every transition.
    final class RequestFeed {
        let messages: RequestMessages
        let continuation: RequestMessages.Continuation

        init() {
            (messages, continuation) = RequestMessages.makeStream()
        }
    }

    /// A routed call's request before its handler starts.
    enum PendingRequest {
        /// A unary call's one message, once it has arrived.
        case unary(MessageDeframer.Message?)
        /// A streaming call's messages (they may arrive before the handler runs).
        case streaming(RequestFeed)
    }

    /// What the handler is given when it starts.
    enum StartedRequest {
        /// A unary call's message; nil if the request ended without one.
        case message(MessageDeframer.Message?)
        /// A streaming call's messages.
        case messages(RequestMessages)
    }

    /// The response of a running call.
    enum Response: Equatable {
        /// Nothing sent yet.
        case notStarted
        /// The response headers are queued; messages are gzip-compressed if `compressed`.
        case started(compressed: Bool)
    }

    /// A running handler: its call, its task, what feeds its request messages (streaming calls,
    /// until the request ends), and its response.
    struct Running {
        var call: Call
        var requestFeed: RequestFeed?
        var task: Task<Void, Never>?
        var response: Response
    }

    /// A call whose status is queued or that was abandoned: the trailers waiting for the queued
    /// messages to drain, and what a reset must still cancel (a handler that has not returned).
    struct Finished {
        var requestEnded: Bool
        var pendingTrailers: HeaderList?
        var task: Task<Void, Never>?
        var requestFeed: RequestFeed?
    }

    /// The state without its data, for tests and logs.
    enum Phase: Equatable {
        case receivingHeaders(requestEnded: Bool)
        case routed(requestEnded: Bool)
        case running(requestEnded: Bool, responseStarted: Bool)
        case finished(requestEnded: Bool)
    }

    /// What a handler still running must be told when its call goes away.
    struct HandlerResources {
        var task: Task<Void, Never>?
        var requestFeed: RequestFeed?
        var deadlineTimer: Scheduled<Void>?
    }
}
