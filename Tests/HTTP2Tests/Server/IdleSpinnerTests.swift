import Foundation
import NIOCore
import NIOPosix
import RPC
import Testing

@testable import HTTP2

/// ``IdleSpinner``'s threads, seen from `/proc/self/task`: they sleep when no read happened
/// within the window, run while reads keep coming, and end when stopped (with the server that
/// started them). Waits are for outcomes, bounded generously; nothing here times anything.
@Suite(.serialized) struct IdleSpinnerTests {
    /// The spinner threads of this process and their scheduler states (`R` running, `S` asleep).
    private static func spinnerStates() -> [String] {
        Attacks.spinnerTasks().map(\.state)
    }

    /// Polls `condition` every 10 ms for up to 120 s: a `SCHED_IDLE` thread gets its core only
    /// when nothing else wants it, which on two cores busy with the whole test suite can take
    /// many seconds.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let giveUp = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < giveUp {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func spinnersSleepWhenIdleSpinWhileHotAndEndWhenStopped() async throws {
        #expect(Self.spinnerStates().isEmpty)
        // A window longer than any uptime: before the first read the clock's zero must not count
        // as one (it did, and on a machine up for less than the window they spun from the start).
        let spinner = IdleSpinner(window: .seconds(1_000_000_000), threads: 2)
        // No read yet: both threads exist and go to sleep.
        #expect(try await Self.eventually { Self.spinnerStates() == ["S", "S"] })
        // A read: within the (long) window they stay awake and runnable.
        spinner.noteActivity()
        #expect(try await Self.eventually { Self.spinnerStates() == ["R", "R"] })
        spinner.stop()
        #expect(try await Self.eventually { Self.spinnerStates().isEmpty })
    }

    @Test func spinnersGoBackToSleepWhenTheWindowPasses() async throws {
        let spinner = IdleSpinner(window: .milliseconds(1), threads: 1)
        spinner.noteActivity()
        #expect(try await Self.eventually { Self.spinnerStates() == ["S"] })
        spinner.stop()
        #expect(try await Self.eventually { Self.spinnerStates().isEmpty })
    }

    @Test func aServerWithBusyPollAnswersAndItsSpinnersEndWithIt() async throws {
        let method = MethodDescriptor(service: "test.Echo", method: "Unary", kind: .unary)
        var router = Router()
        router.register(ServerHandler(method: method, body: .unary { request, _ in request }))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0, busyPoll: .microseconds(100)), router: router, group: group)
        let port = try await server.start()
        // Each thread names itself once it runs, which may be after `start` returned.
        #expect(try await Self.eventually { Self.spinnerStates().count == 2 })
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        for round in 0..<20 {
            let reply = try await client.unary(
                method, request: [UInt8(round)], options: CallOptions(timeout: .seconds(30)))
            #expect(reply.message == [UInt8(round)])
        }
        client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        try await group.shutdownGracefully()
        #expect(try await Self.eventually { Self.spinnerStates().isEmpty })
    }
}
