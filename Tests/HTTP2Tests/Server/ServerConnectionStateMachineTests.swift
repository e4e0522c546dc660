import NIOCore
import Testing

@testable import HTTP2

/// ``ServerConnectionStateMachine`` on its own: handshake, keepalive, PING abuse, idleness, age
/// and shutdown, with the events that come too late or twice.
@Suite struct ServerConnectionStateMachineTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func machine(handshaken: Bool = true) -> ServerConnectionStateMachine {
        var machine = ServerConnectionStateMachine(
            firstHeadersTimeout: .seconds(5), maximumIdleTime: .seconds(60), maximumPingsWithoutData: 2)
        if handshaken { #expect(machine.settingsReceived() == true) }
        return machine
    }

    @Test func theHandshakeEndsOnceWithTheFirstSettings() {
        var machine = machine(handshaken: false)
        #expect(machine.phase == .handshaking)
        #expect(machine.callsChanged(hasCalls: false, now: start) == nil)
        #expect(machine.settingsReceived() == true)
        #expect(machine.phase == .active)
        #expect(machine.settingsReceived() == false)
    }

    @Test func beforeAnyCallTheFirstHeadersTimeoutApplies() {
        var machine = machine()
        #expect(machine.callsChanged(hasCalls: false, now: start) == start + .seconds(5))
        #expect(machine.idleCheck(now: start + .seconds(1)) == .recheck(at: start + .seconds(5)))
        #expect(machine.idleCheck(now: start + .seconds(5)) == .goAway(debug: "no_headers"))
    }

    @Test func afterCallsTheIdleTimeCountsFromTheLastOne() {
        var machine = machine()
        machine.streamOpened()
        #expect(machine.callsChanged(hasCalls: true, now: start) == nil)
        #expect(machine.idleCheck(now: start + .seconds(100)) == .none)
        let later = start + .seconds(10)
        #expect(machine.callsChanged(hasCalls: false, now: later) == later + .seconds(60))
        // Staying idle keeps the first moment of idleness.
        #expect(machine.callsChanged(hasCalls: false, now: later + .seconds(5)) == later + .seconds(60))
        #expect(machine.idleCheck(now: later + .seconds(60)) == .goAway(debug: "max_idle"))
    }

    @Test func goingAwayHappensOnceThenDrains() {
        var machine = machine()
        #expect(machine.goAway(debug: "max_idle") == true)
        #expect(machine.phase == .goingAway(debug: "max_idle"))
        #expect(machine.maximumAgeReached() == false)
        #expect(!machine.isDraining)
        #expect(machine.idleCheck(now: start + .seconds(1000)) == .none)
        #expect(machine.callsChanged(hasCalls: false, now: start) == nil)
        #expect(machine.finalGoAwayDue() == "max_idle")
        #expect(machine.isDraining)
        #expect(machine.finalGoAwayDue() == nil)
        #expect(machine.shouldClose(hasCalls: false))
        #expect(!machine.shouldClose(hasCalls: true))
    }

    @Test func ageCanEndAConnectionStillInItsHandshake() {
        var machine = machine(handshaken: false)
        #expect(machine.maximumAgeReached() == true)
        #expect(machine.phase == .goingAway(debug: "max_age"))
    }

    @Test func aShutdownTakesOverFromGoingAway() {
        var machine = machine()
        #expect(machine.goAway(debug: "max_age") == true)
        #expect(machine.gracefulShutdownRequested() == true)
        #expect(machine.isDraining)
        // The final GOAWAY of the age is not sent: the shutdown sends its own.
        #expect(machine.finalGoAwayDue() == nil)
        #expect(machine.gracefulShutdownRequested() == false)
    }

    @Test func aDrainingConnectionDoesNotGoAwayAgain() {
        var machine = machine()
        #expect(machine.gracefulShutdownRequested() == true)
        #expect(machine.goAway(debug: "max_idle") == false)
        #expect(machine.maximumAgeReached() == false)
        #expect(machine.phase == .draining)
        #expect(!machine.shouldClose(hasCalls: true))
        #expect(machine.shouldClose(hasCalls: false))
    }

    @Test func anActiveConnectionNeverClosesForDraining() {
        let machine = machine()
        #expect(!machine.shouldClose(hasCalls: false))
    }

    @Test func tooManyPingsWithoutACallDrainTheConnection() {
        var machine = machine()
        #expect(machine.pingReceived() == .none)
        #expect(machine.pingReceived() == .none)
        machine.dataReceived()
        #expect(machine.pingReceived() == .none)
        machine.streamOpened()
        #expect(machine.pingReceived() == .none)
        #expect(machine.pingReceived() == .none)
        #expect(machine.pingReceived() == .goAwayTooManyPings)
        #expect(machine.isDraining)
        #expect(machine.pingReceived() == .goAwayTooManyPings)
    }

    @Test func keepalivePingsOnlyASilentConnectionAndOnlyOnce() {
        var machine = machine()
        machine.bytesReceived()
        #expect(machine.keepaliveTick() == .none)
        #expect(machine.keepaliveTick() == .sendPing)
        #expect(machine.awaitingPingAck)
        #expect(machine.keepaliveTick() == .none)
        #expect(machine.pingAcknowledged() == true)
        #expect(machine.pingAcknowledged() == false)
        #expect(machine.keepaliveTick() == .sendPing)
    }

    @Test func aClosedConnectionDoesNothing() {
        var machine = machine()
        machine.closed()
        #expect(machine.keepaliveTick() == .none)
        #expect(machine.goAway(debug: "max_idle") == false)
        #expect(machine.gracefulShutdownRequested() == false)
        #expect(machine.idleCheck(now: start + .seconds(1000)) == .none)
        #expect(machine.phase == .closed)
    }
}
