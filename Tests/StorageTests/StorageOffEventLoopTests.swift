import Dispatch
import Foundation
import GRDB
import HTTP2
import NIOCore
import NIOPosix
import RPC
import Storage
import Synchronization
import Testing

@testable import Runtime

/// Storage never runs on the networking threads: over two real HTTP/2 connections to a real
/// server with one event loop, a read held open on one connection does not hold a quick read on
/// the other. Pass or fail is decided by order and by what released the slow read, not by time.
@Suite struct StorageOffEventLoopTests {
    @Test func aSlowReadOnOneConnectionDoesNotHoldAnotherConnectionsCall() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("off-loop-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer { database.close() }
        let slowStarted = DispatchSemaphore(value: 0)
        let releaseSlow = DispatchSemaphore(value: 0)
        let slow = MethodDescriptor(service: "test.Storage", method: "Slow", kind: .unary)
        let quick = MethodDescriptor(service: "test.Storage", method: "Quick", kind: .unary)
        var router = Router()
        // The slow read waits, inside SQLite's read transaction, until the other connection's call
        // has finished (or 10 s, which only a read blocking the event loop would reach); it
        // answers 1 if the quick call released it, 0 if it gave up.
        router.register(
            ServerHandler(
                method: slow,
                body: .unary { request, _ in
                    guard request == [1] else { return [] }
                    return try await database.read { db -> [UInt8] in
                        slowStarted.signal()
                        let released = releaseSlow.wait(timeout: .now() + 60) == .success
                        _ = try Int.fetchOne(db, sql: "SELECT 1")
                        return [released ? 1 : 0]
                    }
                }))
        router.register(
            ServerHandler(
                method: quick,
                body: .unary { _, _ in
                    [UInt8(try await database.read { db in try Int.fetchOne(db, sql: "SELECT 42") ?? 0 })]
                }))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router, group: group)
        let port = try await server.start()
        let slowConnection = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        let quickConnection = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer {
            slowConnection.close()
            quickConnection.close()
        }
        let options = CallOptions(timeout: .seconds(30))
        // Both connections open before the test proper.
        #expect(try await slowConnection.unary(slow, request: [0], options: options).message == [])
        #expect(try await quickConnection.unary(quick, request: [], options: options).message == [42])

        let finished = Mutex<[String]>([])
        let slowCall = Task {
            let reply = try await slowConnection.unary(slow, request: [1], options: options).message
            finished.withLock { $0.append("slow") }
            return reply
        }
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                slowStarted.wait()
                started.resume()
            }
        }
        let quickReply = try await quickConnection.unary(quick, request: [], options: options).message
        finished.withLock { $0.append("quick") }
        releaseSlow.signal()
        let slowReply = try await slowCall.value

        #expect(quickReply == [42])
        #expect(slowReply == [1], "the slow read was not released by the quick call: it held the event loop")
        #expect(finished.withLock { $0 } == ["quick", "slow"])
        await server.shutdown(gracePeriod: .seconds(1))
        try await group.shutdownGracefully()
    }
}
