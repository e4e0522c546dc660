import Crypto
import Interop
import InteropAPI
import Logging
import MetricsTestKit
import RPC
import Testing
import Wire

@testable import Runtime

/// Authentication as the router's admission, as services run it: an unauthenticated call is
/// refused before its handler with the interceptor's status and message, and is still counted as
/// a failed call of its method.
@Suite struct ObservedAdmissionTests {
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()

    static func client(metrics: TestMetrics, token: String?) -> TestService.Client {
        let verifier = TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")
        let policy = AccessPolicy([TestService.Method.emptyCall: [.agent]])
        let observability = ObservabilityInterceptor(logger: Logger(label: "test"), metricsFactory: metrics)
        let router = Router(services: [InteropTestService()])
            .intercepted(by: [observability])
            .admitting(
                by: ObservedAdmission(
                    AuthenticationInterceptor(verifier: verifier, policy: policy), observer: observability))
        let interceptors: [any ClientInterceptor] = token.map { [BearerTokenInterceptor(token: $0)] } ?? []
        return TestService.Client(RPCClient(transport: InProcessTransport(router: router), interceptors: interceptors))
    }

    @Test func aRefusedCallKeepsItsStatusAndIsCounted() async throws {
        let metrics = TestMetrics()
        let error = await #expect(throws: RPCError.self) {
            _ = try await Self.client(metrics: metrics, token: nil).emptyCall(Empty())
        }
        #expect(error?.code == .unauthenticated)
        #expect(error?.message == TokenError.missing.description)
        let path = TestService.Method.emptyCall.path
        #expect(metrics.counterTotal(label: "rpc_server_calls_total", dimensions: [("method", path)]) == 1)
        #expect(
            metrics.counterTotal(
                label: "rpc_server_errors_total", dimensions: [("method", path), ("code", "UNAUTHENTICATED")]) == 1)
    }

    @Test func anAdmittedCallReachesItsHandlerWithItsCaller() async throws {
        let metrics = TestMetrics()
        let token = try TokenMinter(key: Self.key, issuer: "support-platform", audience: "support")
            .mint(subject: "agent-1", role: .agent)
        #expect(try await Self.client(metrics: metrics, token: token).emptyCall(Empty()) == Empty())
        let denied = await #expect(throws: RPCError.self) {
            _ = try await Self.client(metrics: metrics, token: token).unaryCall(SimpleRequest())
        }
        #expect(denied?.code == .permissionDenied)
    }
}
