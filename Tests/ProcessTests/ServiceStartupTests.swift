import Foundation
import HTTP2
import HealthAPI
import RPC
import ReturnsAPI
import Runtime
import TestSupport
import Testing
import Wire

/// Every service starts with only --port and --data-dir, even with its peers down, and calls that
/// need a peer fail UNAVAILABLE while it is.
@Suite struct ServiceStartupTests {
    @Test(arguments: ["orders", "returns", "refunds", "inquiries", "oversight"])
    func startsWithOnlyPortAndDataDirectory(_ service: String) async throws {
        let directory = NSTemporaryDirectory() + "startup-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ChildProcess(service, ["--port", "0", "--data-dir", directory])
        let port = try await process.waitForPort()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let health = try await Health.Client(RPCClient(transport: transport)).check(HealthCheckRequest())
        #expect(health.status == .serving)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/\(service).sqlite"))
        process.send(SIGTERM)
        #expect(try await process.waitForExit() == 0)
    }

    /// One SQLite database belongs to one process (what lets it keep reads): a second process of
    /// the service on the same data directory stops at start, naming the reason and the holder, and the first
    /// goes on serving.
    @Test func aSecondProcessOnTheSameDatabaseStopsAtStart() async throws {
        let directory = NSTemporaryDirectory() + "second-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ChildProcess("orders", ["--port", "0", "--data-dir", directory])
        let port = try await first.waitForPort()
        let second = try ChildProcess("orders", ["--port", "0", "--data-dir", directory], capturingErrors: true)
        #expect(try await second.waitForExit() == 1)
        try await second.waitForEndOfOutput()
        #expect(second.output.contains { $0.contains("another orders process (pid \(first.pid)) uses this database") })
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        #expect(try await Health.Client(RPCClient(transport: transport)).check(HealthCheckRequest()).status == .serving)
        first.send(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        // Once the first has stopped, the database is free again.
        let third = try ChildProcess("orders", ["--port", "0", "--data-dir", directory])
        _ = try await third.waitForPort()
        third.send(SIGTERM)
        #expect(try await third.waitForExit() == 0)
    }

    @Test func callsNeedingADownPeerFailUnavailable() async throws {
        let directory = NSTemporaryDirectory() + "peers-down-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = try PostPurchaseProcessTests.Keys(directory: "\(directory)/keys")
        // Nothing listens on port 1.
        let returns = try ChildProcess(
            "returns",
            ["--port", "0", "--data-dir", "\(directory)/returns", "--peer", "orders=127.0.0.1:1"]
                + keys.flags("returns"))
        let port = try await returns.waitForPort()
        let client = Returns.Client(try keys.client(port: port, "customer-1", .customer))
        let started = ContinuousClock.now
        do {
            _ = try await client.checkEligibility(CheckEligibilityRequest.with { $0.orderID = "o-1" })
            Issue.record("a call needing Orders succeeded with Orders down")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("Orders is unavailable"))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        // A peer that is not configured at all is UNAVAILABLE too, naming the missing setting.
        do {
            _ = try await client.requestReturn(
                RequestReturnRequest.with {
                    $0.idempotencyKey = "k"; $0.orderID = "o-1"; $0.reason = .changedMind
                })
            Issue.record("a call needing Orders succeeded with Orders down")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }
        returns.send(SIGTERM)
        #expect(try await returns.waitForExit() == 0)
    }
}
