import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// ``ServerStreamStateMachine`` on its own: every event in every state, legal or not, and the
/// data each state holds. No channel, no nghttp2.
@Suite struct ServerStreamStateMachineTests {
    typealias Machine = ServerStreamStateMachine

    static let unary = MethodDescriptor(service: "test.Machine", method: "Unary", kind: .unary)
    static let streaming = MethodDescriptor(service: "test.Machine", method: "Stream", kind: .bidirectionalStreaming)

    /// An executor serving one unary and one streaming method (their bodies are never run).
    static let executor: ServerCallExecutor = {
        var router = Router()
        router.register(ServerHandler(method: unary, body: .unary { request, _ in request }))
        router.register(ServerHandler(method: streaming, body: .streaming { _, _, _ in }))
        return ServerCallExecutor(router: router)
    }()

    /// A request header block for `method`.
    static func headers(_ method: MethodDescriptor, acceptGzip: Bool = false) -> HeaderList {
        var headers: HeaderList = [
            (":method", "POST"), (":scheme", "http"), (":path", method.path), (":authority", "test"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        if acceptGzip { headers.append(("grpc-accept-encoding", "gzip")) }
        return headers
    }

    /// Feeds `headers` to `machine` and routes the block as the connection does.
    static func route(_ machine: inout Machine, _ headers: HeaderList) throws -> ServerCallExecutor.Accepted {
        for field in headers {
            machine.receivedHeader(field, size: 40, maximumSize: 16_384, maximumCount: 128)
        }
        let block = try #require(machine.headerBlock)
        let head = try RequestHead(block.fields)
        let accepted = try executor.accept(path: head.path, metadata: head.metadata, timeout: nil, peer: "test")
        #expect(machine.routed(head: head, accepted: accepted) == true)
        return accepted
    }

    /// A machine brought to a state by legal events.
    private func machine(
        _ method: MethodDescriptor = unary, routed: Bool = true, started: Bool = false, responseStarted: Bool = false
    ) throws -> Machine {
        var machine = Machine()
        if routed { _ = try Self.route(&machine, Self.headers(method)) }
        if started {
            if method.kind == .unary {
                #expect(machine.receivedMessage(.init(compressed: false, bytes: [1])).name == "kept")
            }
            _ = try machine.startHandler()
        }
        if responseStarted {
            #expect(machine.sendMessage() == .sendHeadersAndMessage(compressed: false, metadata: [:]))
        }
        return machine
    }

    static func status(_ headers: HeaderList) -> String? { headers.first { $0.name == "grpc-status" }?.value }

    // MARK: Legal paths

    @Test func aUnaryCallGoesThroughEveryPhase() throws {
        var machine = Machine()
        #expect(machine.phase == .receivingHeaders(requestEnded: false))
        #expect(machine.receivedData() == .discard)
        #expect(machine.call == nil)
        _ = try Self.route(&machine, Self.headers(Self.unary))
        #expect(machine.phase == .routed(requestEnded: false))
        #expect(machine.headerBlock == nil, "the header fields are dropped once routed")
        #expect(machine.call?.head.path == Self.unary.path)
        #expect(machine.receivedData() == .deliver)
        #expect(machine.consumesOnReceipt(queuedMessages: 0))
        #expect(machine.receivedMessage(.init(compressed: true, bytes: [7])).name == "kept")
        #expect(!machine.consumesOnReceipt(queuedMessages: 0), "a unary call keeps at most one message")
        #expect(machine.receivedEndOfRequest().name == "startUnary")
        #expect(machine.phase == .routed(requestEnded: true))
        let (accepted, request) = try machine.startHandler()
        #expect(accepted.handler.method == Self.unary)
        guard case .message(let message?) = request else {
            Issue.record("a unary handler starts with its message, got \(request)")
            return
        }
        #expect(message.bytes == [7] && message.compressed)
        #expect(machine.phase == .running(requestEnded: true, responseStarted: false))
        #expect(machine.sendMessage() == .sendHeadersAndMessage(compressed: false, metadata: [:]))
        #expect(machine.phase == .running(requestEnded: true, responseStarted: true))
        #expect(machine.finish(code: .ok, message: "", trailers: [:]) == .trailersQueued)
        #expect(machine.phase == .finished(requestEnded: true))
        let taken = machine.takeTrailers()
        let trailers = try #require(taken)
        #expect(Self.status(trailers) == "0")
        #expect(machine.takeTrailers() == nil, "trailers are taken once")
        #expect(!machine.sentEndOfResponse())
        #expect(!machine.closed(cleanly: true))
    }

    @Test func aStreamingCallGetsItsMessagesBeforeAndAfterItStarts() async throws {
        var machine = try machine(Self.streaming)
        guard case .yield(let early) = machine.receivedMessage(.init(compressed: false, bytes: [1])) else {
            Issue.record("a routed streaming call yields its messages")
            return
        }
        early.continuation.yield([1])
        #expect(machine.consumesOnReceipt(queuedMessages: 0))
        #expect(!machine.consumesOnReceipt(queuedMessages: 1), "DATA is held while a message waits unread")
        let (_, request) = try machine.startHandler()
        guard case .messages(let messages) = request else {
            Issue.record("a streaming handler starts with its message stream, got \(request)")
            return
        }
        guard case .yield(let late) = machine.receivedMessage(.init(compressed: false, bytes: [2])) else {
            Issue.record("a running streaming call yields its messages")
            return
        }
        late.continuation.yield([2])
        guard case .finishRequests(let end) = machine.receivedEndOfRequest() else {
            Issue.record("the end of the request ends the handler's messages")
            return
        }
        end.continuation.finish()
        var received: [[UInt8]] = []
        for try await message in messages { received.append(message) }
        #expect(received == [[1], [2]])
        #expect(machine.receivedEndOfRequest().name == "none", "the request ends once")
        #expect(machine.receivedMessage(.init(compressed: false, bytes: [3])).name == "drop")
    }

    @Test func responsesAreCompressedOnlyIfTheHandlerAsksAndTheClientAccepts() throws {
        for (asks, accepts) in [(true, true), (true, false), (false, true)] {
            var machine = Machine()
            let accepted = try Self.route(&machine, Self.headers(Self.streaming, acceptGzip: accepts))
            accepted.context.response.compressMessages = asks
            _ = try machine.startHandler()
            let compressed = asks && accepts
            #expect(machine.sendMessage() == .sendHeadersAndMessage(compressed: compressed, metadata: [:]))
            #expect(machine.sendMessage() == .sendMessage(compressed: compressed), "later messages need no headers")
        }
    }

    @Test func aStatusBeforeAnyMessageIsTrailersOnly() throws {
        for var machine in [try machine(started: true), try machine(), try machine(routed: false)] {
            guard case .sendTrailersOnly(let headers) = machine.finish(code: .notFound, message: "no", trailers: [:])
            else {
                Issue.record("a status before any message is Trailers-Only")
                continue
            }
            #expect(Self.status(headers) == "5")
            #expect(headers.contains { $0.name == ":status" })
            #expect(machine.isFinished)
            #expect(machine.takeTrailers() == nil)
        }
    }

    @Test func anEndBeforeRoutingIsKept() throws {
        var machine = Machine()
        #expect(machine.receivedEndOfRequest().name == "none")
        _ = try Self.route(&machine, Self.headers(Self.unary))
        #expect(machine.phase == .routed(requestEnded: true))
    }

    @Test func aRoutedCallKeepsItsDeadlineTimerUntilItEnds() throws {
        let loop = EmbeddedEventLoop()
        var unrouted = Machine()
        #expect(unrouted.deadlineScheduled(loop.scheduleTask(in: .seconds(1)) {}) == false)
        var machine = try machine()
        #expect(machine.deadlineScheduled(loop.scheduleTask(in: .seconds(1)) {}) == true)
        #expect(machine.handlerResources.deadlineTimer != nil)
        _ = machine.finish(code: .ok, message: "", trailers: [:])
        #expect(machine.handlerResources.deadlineTimer == nil)
        #expect(machine.deadlineScheduled(loop.scheduleTask(in: .seconds(1)) {}) == false)
    }

    // MARK: Illegal or late events

    @Test func theHeaderBlockIsBoundedAndTrailersAreIgnored() throws {
        var bySize = Machine()
        bySize.receivedHeader((":path", "/a"), size: 60, maximumSize: 100, maximumCount: 128)
        #expect(bySize.headerBlock?.fields.count == 1)
        #expect(bySize.keepsHeaders)
        bySize.receivedHeader(("x", "y"), size: 60, maximumSize: 100, maximumCount: 128)
        // Past the limit: what was kept is dropped, nothing more is kept, the block is marked.
        #expect(bySize.headerBlock?.overflowed == true)
        #expect(bySize.headerBlock?.fields.isEmpty == true)
        #expect(!bySize.keepsHeaders)
        bySize.receivedHeader(("z", "1"), size: 1, maximumSize: 100, maximumCount: 128)
        #expect(bySize.headerBlock?.fields.isEmpty == true)
        #expect(bySize.headerBlock?.size == 120)

        var byCount = Machine()
        byCount.receivedHeader(("a", "1"), size: 1, maximumSize: 100, maximumCount: 1)
        #expect(byCount.headerBlock?.overflowed == false)
        byCount.receivedHeader(("b", "2"), size: 1, maximumSize: 100, maximumCount: 1)
        #expect(byCount.headerBlock?.overflowed == true)

        var routed = try machine()
        #expect(!routed.keepsHeaders)
        routed.receivedHeader(("trailer", "x"), size: 10, maximumSize: 1, maximumCount: 0)
        #expect(routed.headerBlock == nil)
    }

    @Test func aUnaryCallWithTwoMessagesOrNoneIsRefused() throws {
        var two = try machine()
        #expect(two.receivedMessage(.init(compressed: false, bytes: [1])).name == "kept")
        #expect(two.receivedMessage(.init(compressed: false, bytes: [2])).name == "secondUnaryMessage")
        var none = try machine()
        #expect(none.receivedEndOfRequest().name == "startUnary")
        let (_, request) = try none.startHandler()
        guard case .message(nil) = request else {
            Issue.record("a unary call without a message starts with none, got \(request)")
            return
        }
        var running = try machine(started: true)
        #expect(running.receivedMessage(.init(compressed: false, bytes: [3])).name == "secondUnaryMessage")
    }

    @Test func aSecondStatusIsIgnored() throws {
        var machine = try machine(started: true, responseStarted: true)
        #expect(machine.finish(code: .ok, message: "", trailers: [:]) == .trailersQueued)
        #expect(machine.finish(code: .internal, message: "late", trailers: [:]) == .alreadyFinished)
        #expect(machine.phase == .finished(requestEnded: false))
        #expect(machine.takeTrailers().flatMap(Self.status) == "0", "the first status stands")
    }

    @Test func nothingIsSentOrDeliveredOnceFinished() throws {
        var machine = try machine(started: true)
        _ = machine.finish(code: .ok, message: "", trailers: [:])
        #expect(machine.sendMessage() == .callEnded)
        #expect(machine.receivedData() == .discard)
        #expect(machine.receivedMessage(.init(compressed: false, bytes: [1])).name == "drop")
        #expect(machine.receivedEndOfRequest().name == "none")
        #expect(machine.requestEnded)
        #expect(machine.call == nil)
    }

    @Test func aHandlerStartsOnlyOnceAndOnlyWhenRouted() throws {
        var unrouted = try machine(routed: false)
        #expect(throws: Machine.StartRefusal.notRouted) { _ = try unrouted.startHandler() }
        var running = try machine(started: true)
        #expect(throws: Machine.StartRefusal.alreadyStarted) { _ = try running.startHandler() }
        var finished = try machine()
        _ = finished.finish(code: .ok, message: "", trailers: [:])
        #expect(throws: Machine.StartRefusal.finished) { _ = try finished.startHandler() }
        #expect(finished.phase == .finished(requestEnded: false))
    }

    @Test func onlyARunningHandlerSends() throws {
        var unrouted = try machine(routed: false)
        #expect(unrouted.sendMessage() == .notRunning)
        var routed = try machine()
        #expect(routed.sendMessage() == .notRunning)
        #expect(routed.phase == .routed(requestEnded: false))
    }

    @Test func routingHappensOnce() throws {
        var machine = try machine()
        let head = try RequestHead(Self.headers(Self.unary))
        let accepted = try Self.executor.accept(path: head.path, metadata: head.metadata, timeout: nil, peer: "test")
        #expect(machine.routed(head: head, accepted: accepted) == false)
        _ = machine.finish(code: .ok, message: "", trailers: [:])
        #expect(machine.routed(head: head, accepted: accepted) == false)
        #expect(machine.isFinished)
    }

    @Test func aStatusOutWhileTheClientSendsResetsTheStream() throws {
        var machine = try machine(started: true)
        #expect(!machine.sentEndOfResponse())
        _ = machine.finish(code: .ok, message: "", trailers: [:])
        #expect(machine.sentEndOfResponse())
        _ = machine.receivedEndOfRequest()
        #expect(!machine.sentEndOfResponse())
    }

    @Test func aClosedStreamAbandonsItsHandlerUnlessItsStatusWentOutCleanly() throws {
        let running = try machine(started: true)
        #expect(running.closed(cleanly: true))
        var finished = running
        _ = finished.finish(code: .ok, message: "", trailers: [:])
        #expect(!finished.closed(cleanly: true))
        #expect(finished.closed(cleanly: false))
    }

    @Test func abandoningEndsTheCallAndHandsOverItsHandlerOnce() throws {
        var machine = try machine(Self.streaming, started: true, responseStarted: true)
        let task = Task<Void, Never> {}
        machine.handlerStarted(task)
        let resources = machine.abandon()
        #expect(resources.task == task)
        #expect(resources.requestFeed != nil)
        #expect(machine.phase == .finished(requestEnded: false))
        #expect(machine.finish(code: .ok, message: "", trailers: [:]) == .alreadyFinished)
        let again = machine.abandon()
        #expect(again.task == nil && again.requestFeed == nil)
    }

    @Test func aFinishedCallKeepsItsHandlerForAReset() throws {
        // The status went out (or could not), but the handler has not returned: a reset that
        // follows must still cancel it.
        var sent = try machine(Self.streaming, started: true)
        sent.handlerStarted(Task {})
        _ = sent.finish(code: .ok, message: "", trailers: [:])
        #expect(sent.handlerResources.task != nil)
        var refused = try machine(started: true, responseStarted: true)
        refused.endResponseWithoutStatus()
        #expect(refused.isFinished)
        refused.handlerStarted(Task {})
        #expect(refused.abandon().task != nil, "a task that starts after the status is kept too")
    }
}

extension ServerStreamStateMachine.MessageAction {
    /// The action's case, to compare in expectations (a continuation has no equality).
    var name: String {
        switch self {
        case .kept: "kept"
        case .yield: "yield"
        case .secondUnaryMessage: "secondUnaryMessage"
        case .drop: "drop"
        }
    }
}

extension ServerStreamStateMachine.EndOfRequestAction {
    /// The action's case, to compare in expectations (a continuation has no equality).
    var name: String {
        switch self {
        case .startUnary: "startUnary"
        case .finishRequests: "finishRequests"
        case .none: "none"
        }
    }
}
