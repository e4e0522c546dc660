import Dispatch
import NIOCore
import NIOPosix
import RPC
import Testing

@testable import HTTP2

/// A handler that suspends on work done elsewhere resumes on its connection's event loop (the
/// task prefers it as executor), not on the global executor's threads: its reply is then written
/// without another hop. Decided by where the handler's code ran, over a real connection.
@Suite struct HandlerResumptionTests {
    @Test func aHandlerResumesOnItsConnectionsEventLoopAfterWorkOnAnotherThread() async throws {
        let method = MethodDescriptor(service: "test.Resume", method: "Where", kind: .unary)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        var router = Router()
        // Answers [on the loop before suspending, off it during the work, on the loop after].
        router.register(
            ServerHandler(
                method: method,
                body: .unary { _, _ in
                    let before = loop.inEventLoop
                    let during = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
                        DispatchQueue.global().async {
                            done.resume(returning: loop.inEventLoop)
                        }
                    }
                    let after = loop.inEventLoop
                    return [before ? 1 : 0, during ? 1 : 0, after ? 1 : 0]
                }))
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router, group: group)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        let reply = try await client.unary(method, request: [], options: CallOptions(timeout: .seconds(30))).message
        client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        try await group.shutdownGracefully()

        #expect(reply == [1, 0, 1])
    }
}
