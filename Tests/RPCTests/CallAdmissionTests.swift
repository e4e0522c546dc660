import RPC
import Synchronization
import Testing

/// The router's admissions run on every call of the in-process transport before its handler: a
/// refusal is the call's status, and what an admission sets reaches the handler.
@Suite struct CallAdmissionTests {
    static let method = MethodDescriptor(service: "test.Admit", method: "Echo", kind: .unary)
    static let stream = MethodDescriptor(service: "test.Admit", method: "Stream", kind: .bidirectionalStreaming)

    /// Admits calls whose metadata carries `x-who`, as that caller.
    struct WhoAdmission: CallAdmission {
        func admit(_ context: inout ServerContext) throws(RPCError) {
            guard let who = context.requestMetadata["x-who"] else {
                throw RPCError(.unauthenticated, "no x-who")
            }
            context.caller = Caller(subject: who, role: "tester")
        }
    }

    /// How many handlers ran.
    final class Ran: Sendable {
        let count = Atomic<Int>(0)
    }

    static func router(ran: Ran) -> Router {
        var router = Router()
        router.register(
            ServerHandler(
                method: method,
                body: .unary { _, context in
                    ran.count.add(1, ordering: .relaxed)
                    return Array((context.caller?.subject ?? "").utf8)
                }))
        router.register(
            ServerHandler(
                method: stream,
                body: .streaming { _, responses, context in
                    ran.count.add(1, ordering: .relaxed)
                    try await responses.write(Array((context.caller?.subject ?? "").utf8))
                }))
        return router.admitting(by: WhoAdmission())
    }

    @Test func aRefusedCallNeverReachesItsHandler() async throws {
        let ran = Ran()
        let transport = InProcessTransport(router: Self.router(ran: ran))
        let unary = await #expect(throws: RPCError.self) {
            _ = try await transport.unary(Self.method, request: [], options: CallOptions())
        }
        #expect(unary?.code == .unauthenticated)
        #expect(unary?.message == "no x-who")
        let streaming = await #expect(throws: RPCError.self) {
            try await transport.streaming(
                Self.stream, options: CallOptions(), requests: { _ in },
                responses: { response in
                    for try await _ in response.messages {}
                })
        }
        #expect(streaming?.code == .unauthenticated)
        #expect(ran.count.load(ordering: .relaxed) == 0)
    }

    @Test func anAdmittedCallCarriesWhatTheAdmissionSet() async throws {
        let ran = Ran()
        let transport = InProcessTransport(router: Self.router(ran: ran))
        let response = try await transport.unary(
            Self.method, request: [], options: CallOptions(metadata: ["x-who": "ada"]))
        #expect(response.message == Array("ada".utf8))
        #expect(ran.count.load(ordering: .relaxed) == 1)
    }
}
