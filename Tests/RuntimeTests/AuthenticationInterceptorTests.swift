import Crypto
import Interop
import InteropAPI
import RPC
import Testing
import Wire

@testable import Runtime

/// The interceptor in front of real handlers (the in-process transport): missing and bad tokens
/// get UNAUTHENTICATED, roles outside the policy PERMISSION_DENIED, methods outside it are denied
/// to everyone, and the standard services need no token.
@Suite struct AuthenticationInterceptorTests {
    // Immutable once made; swift-crypto does not mark its keys Sendable on Linux.
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")
    static let policy = AccessPolicy([
        TestService.Method.emptyCall: [.customer, .agent, .service(["orders", "returns"]), .auditor],
        TestService.Method.unaryCall: [.agent, .service(["returns"])],
    ])

    static func client(token: String?) -> TestService.Client {
        let verifier = TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [InteropTestService()]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: policy)
        ])
        let interceptors: [any ClientInterceptor] = token.map { [BearerTokenInterceptor(token: $0)] } ?? []
        return TestService.Client(RPCClient(transport: InProcessTransport(router: router), interceptors: interceptors))
    }

    static func code(_ call: () async throws -> Void) async -> StatusCode {
        do {
            try await call()
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    @Test func missingAndBadTokensAreUnauthenticated() async throws {
        #expect(await Self.code { _ = try await Self.client(token: nil).emptyCall(Empty()) } == .unauthenticated)
        #expect(
            await Self.code { _ = try await Self.client(token: "not-a-jwt").emptyCall(Empty()) } == .unauthenticated)
        let foreign = try TokenMinter(key: P256.Signing.PrivateKey(), issuer: "support-platform", audience: "support")
            .mint(subject: "x", role: .agent)
        #expect(await Self.code { _ = try await Self.client(token: foreign).emptyCall(Empty()) } == .unauthenticated)
    }

    @Test(arguments: Role.allCases)
    func theRoleMatrixIsEnforced(_ role: Role) async throws {
        let client = Self.client(token: try Self.minter.mint(subject: "someone", role: role))
        let expected: [(MethodDescriptor, () async throws -> Void)] = [
            (TestService.Method.emptyCall, { _ = try await client.emptyCall(Empty()) }),
            (TestService.Method.unaryCall, { _ = try await client.unaryCall(SimpleRequest()) }),
            (TestService.Method.unimplementedCall, { _ = try await client.unimplementedCall(Empty()) }),
        ]
        for (method, call) in expected {
            let code = await Self.code(call)
            if Self.policy.allows(Identity(subject: "someone", role: role), method) {
                #expect(code != .permissionDenied && code != .unauthenticated, "\(role) on \(method.method): \(code)")
            } else {
                #expect(code == .permissionDenied, "\(role) on \(method.method): \(code)")
            }
        }
    }

    @Test func handlersSeeTheTypedCaller() async throws {
        struct WhoAmI: ServerInterceptor {
            func intercept<Result: Sendable>(
                _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
            ) async throws -> Result {
                let identity = try context.identity
                guard identity == Identity(subject: "agent-7", role: .agent) else {
                    throw RPCError(.internal, "wrong caller \(identity)")
                }
                return try await next(context)
            }
        }
        let verifier = TokenVerifier(key: Self.key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [InteropTestService()]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: Self.policy), WhoAmI(),
        ])
        let token = try Self.minter.mint(subject: "agent-7", role: .agent)
        let client = TestService.Client(
            RPCClient(
                transport: InProcessTransport(router: router), interceptors: [BearerTokenInterceptor(token: token)]))
        #expect(try await client.emptyCall(Empty()) == Empty())
    }

    /// A service token is allowed only for the services a rule names: the role alone is not enough,
    /// and the denial says which service was refused.
    @Test func serviceTokensAreAllowedOnlyForTheNamedServices() async throws {
        let cases: [(subject: String, emptyCall: Bool, unaryCall: Bool)] = [
            ("orders", true, false), ("returns", true, true), ("inquiries", false, false), ("storefront", false, false),
        ]
        for (subject, emptyAllowed, unaryAllowed) in cases {
            let client = Self.client(token: try Self.minter.mint(subject: subject, role: .service))
            let empty = await Self.code { _ = try await client.emptyCall(Empty()) }
            let unary = await Self.code { _ = try await client.unaryCall(SimpleRequest()) }
            #expect((empty == .permissionDenied) == !emptyAllowed, "\(subject) EmptyCall: \(empty)")
            #expect((unary == .permissionDenied) == !unaryAllowed, "\(subject) UnaryCall: \(unary)")
        }
        let refused = await Self.rpcErrorOf {
            _ = try await Self.client(token: try Self.minter.mint(subject: "inquiries", role: .service))
                .unaryCall(SimpleRequest())
        }
        #expect(refused?.message == "the service inquiries may not call UnaryCall")
    }

    @Test func policiesReportTheirRolesAndServices() {
        let method = TestService.Method.emptyCall
        #expect(Self.policy.roles(for: method) == [.customer, .agent, .service, .auditor])
        #expect(Self.policy.services(for: method) == ["orders", "returns"])
        #expect(Self.policy.services(for: TestService.Method.unimplementedCall).isEmpty)
        #expect(Self.policy.allows(Identity(subject: "orders", role: .service), method))
        #expect(!Self.policy.allows(Identity(subject: "orders", role: .service), TestService.Method.unaryCall))
        // A customer named like a service is still a customer.
        #expect(!Self.policy.allows(Identity(subject: "returns", role: .customer), TestService.Method.unaryCall))
        let widened = Self.policy.adding([TestService.Method.unaryCall: [.service(["orders"])]])
        #expect(widened.services(for: TestService.Method.unaryCall) == ["orders"])
        #expect(widened.roles(for: TestService.Method.unaryCall) == [.service])
    }

    static func rpcErrorOf(_ body: () async throws -> Void) async -> RPCError? {
        do { try await body() } catch let error as RPCError { return error } catch { return nil }
        return nil
    }

    @Test func standardServicesNeedNoToken() {
        let health = MethodDescriptor(service: "grpc.health.v1.Health", method: "Check", kind: .unary)
        #expect(Self.policy.isPublic(health))
        #expect(!Self.policy.isPublic(TestService.Method.emptyCall))
    }
}
