import Testing

@testable import HTTP2

/// ``ServerStreamStateMachine`` on its own: every event in every state, legal or not.
@Suite struct ServerStreamStateMachineTests {
    /// A machine brought to a state by legal events.
    private func machine(routed: Bool = true, started: Bool = false, responseStarted: Bool = false)
        -> ServerStreamStateMachine
    {
        var machine = ServerStreamStateMachine()
        if routed { #expect(machine.routed() == true) }
        if started { #expect(throws: Never.self) { try machine.startHandler() } }
        if responseStarted { #expect(machine.sendMessage() == .sendHeadersAndMessage) }
        return machine
    }

    @Test func aUnaryCallGoesThroughEveryPhase() throws {
        var machine = ServerStreamStateMachine()
        #expect(machine.state == .receivingHeaders(requestEnded: false))
        #expect(machine.receivedData() == .discard)
        #expect(machine.routed() == true)
        #expect(machine.receivedData() == .deliver)
        #expect(machine.receivedEndOfRequest() == .endRequest)
        #expect(machine.state == .routed(requestEnded: true))
        try machine.startHandler()
        #expect(machine.awaitsUnaryOutcome)
        #expect(machine.sendMessage() == .sendHeadersAndMessage)
        #expect(!machine.awaitsUnaryOutcome)
        #expect(machine.finish() == .trailers)
        #expect(machine.state == .finished(requestEnded: true))
        #expect(!machine.sentEndOfResponse())
        #expect(!machine.closed(cleanly: true))
    }

    @Test func laterMessagesNeedNoHeaders() {
        var machine = machine(started: true, responseStarted: true)
        #expect(machine.sendMessage() == .sendMessage)
        #expect(machine.state == .running(requestEnded: false, responseStarted: true))
    }

    @Test func aStatusBeforeAnyMessageIsTrailersOnly() {
        var running = machine(started: true)
        #expect(running.finish() == .trailersOnly)
        var routed = machine()
        #expect(routed.finish() == .trailersOnly)
        var unrouted = machine(routed: false)
        #expect(unrouted.finish() == .trailersOnly)
        #expect(unrouted.isFinished)
    }

    @Test func aSecondStatusIsIgnored() {
        var machine = machine(started: true, responseStarted: true)
        #expect(machine.finish() == .trailers)
        #expect(machine.finish() == .alreadyFinished)
        #expect(machine.state == .finished(requestEnded: false))
    }

    @Test func nothingIsSentOrDeliveredOnceFinished() {
        var machine = machine(started: true)
        _ = machine.finish()
        #expect(machine.sendMessage() == .callEnded)
        #expect(machine.receivedData() == .discard)
        #expect(machine.receivedEndOfRequest() == .none)
        #expect(machine.requestEnded)
        #expect(!machine.awaitsUnaryOutcome)
    }

    @Test func aHandlerStartsOnlyOnceAndOnlyWhenRouted() {
        var unrouted = machine(routed: false)
        #expect(throws: ServerStreamStateMachine.StartRefusal.notRouted) { try unrouted.startHandler() }
        var running = machine(started: true)
        #expect(throws: ServerStreamStateMachine.StartRefusal.alreadyStarted) { try running.startHandler() }
        var finished = machine()
        _ = finished.finish()
        #expect(throws: ServerStreamStateMachine.StartRefusal.finished) { try finished.startHandler() }
        #expect(finished.state == .finished(requestEnded: false))
    }

    @Test func onlyARunningHandlerSends() {
        var unrouted = machine(routed: false)
        #expect(unrouted.sendMessage() == .notRunning)
        var routed = machine()
        #expect(routed.sendMessage() == .notRunning)
        #expect(routed.state == .routed(requestEnded: false))
    }

    @Test func routingHappensOnce() {
        var machine = machine()
        #expect(machine.routed() == false)
        _ = machine.finish()
        #expect(machine.routed() == false)
        #expect(machine.isFinished)
    }

    @Test func anEndBeforeRoutingIsKept() {
        var machine = ServerStreamStateMachine()
        #expect(machine.receivedEndOfRequest() == .none)
        #expect(machine.routed() == true)
        #expect(machine.state == .routed(requestEnded: true))
    }

    @Test func aStatusOutWhileTheClientSendsResetsTheStream() {
        var machine = machine(started: true)
        #expect(!machine.sentEndOfResponse())
        _ = machine.finish()
        #expect(machine.sentEndOfResponse())
        _ = machine.receivedEndOfRequest()
        #expect(!machine.sentEndOfResponse())
    }

    @Test func aClosedStreamAbandonsItsHandlerUnlessItsStatusWentOutCleanly() {
        let running = machine(started: true)
        #expect(running.closed(cleanly: true))
        var finished = running
        _ = finished.finish()
        #expect(!finished.closed(cleanly: true))
        #expect(finished.closed(cleanly: false))
    }

    @Test func abandoningEndsTheCallKeepingTheRequestSide() {
        var machine = machine(started: true, responseStarted: true)
        _ = machine.receivedEndOfRequest()
        machine.abandon()
        #expect(machine.state == .finished(requestEnded: true))
        #expect(machine.finish() == .alreadyFinished)
    }
}
