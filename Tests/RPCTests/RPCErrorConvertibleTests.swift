import InteropAPI
import RPC
import Testing
import Wire

/// A handler may throw its domain's errors: the caller gets the status the error names, not
/// UNKNOWN.
@Suite struct RPCErrorConvertibleTests {
    enum DomainError: Error, RPCErrorConvertible {
        case outOfStock

        var rpcError: RPCError { RPCError(.failedPrecondition, "the product is out of stock") }
    }

    struct Opaque: Error {}

    @Test func domainErrorsReachTheCallerWithTheirStatus() async throws {
        var router = Router()
        router.addUnary(TestService.Method.emptyCall) { (_: Empty, _: ServerContext) -> Empty in
            throw DomainError.outOfStock
        }
        router.addUnary(TestService.Method.unaryCall) { (_: SimpleRequest, _: ServerContext) -> SimpleResponse in
            throw Opaque()
        }
        let client = TestService.Client(RPCClient(transport: InProcessTransport(router: router)))
        do {
            _ = try await client.emptyCall(Empty())
            Issue.record("the call succeeded")
        } catch let error as RPCError {
            #expect(error.code == .failedPrecondition)
            #expect(error.message == "the product is out of stock")
        }
        do {
            _ = try await client.unaryCall(SimpleRequest())
            Issue.record("the call succeeded")
        } catch let error as RPCError {
            #expect(error.code == .unknown)
        }
    }
}
