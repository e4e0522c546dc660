import Interop
import InteropAPI
import RPC
import Synchronization
import Testing
import Wire

/// The generated client and server of `grpc.testing.TestService`, connected by the in-process
/// transport: every method shape, statuses, metadata, deadlines and interceptors.
@Suite struct InProcessTransportTests {
    let client: TestService.Client

    init() {
        let router = Router(services: [InteropTestService()])
        client = TestService.Client(RPCClient(transport: InProcessTransport(router: router)))
    }

    @Test func emptyUnary() async throws {
        let response = try await client.emptyCall(Empty())
        #expect(response == Empty())
    }

    @Test func largeUnary() async throws {
        let request = SimpleRequest.with {
            $0.responseSize = 314_159
            $0.payload = Payload.with { $0.body = [UInt8](repeating: 0, count: 271_828) }
        }
        let response = try await client.unaryCall(request)
        #expect(response.payload?.body.count == 314_159)
    }

    @Test func clientStreaming() async throws {
        let response = try await client.streamingInputCall { writer in
            for size in [27_182, 8, 1_828, 45_904] {
                try await writer.write(
                    StreamingInputCallRequest.with {
                        $0.payload = Payload.with { $0.body = [UInt8](repeating: 0, count: size) }
                    })
            }
        }
        #expect(response.aggregatedPayloadSize == 74_922)
    }

    @Test func serverStreaming() async throws {
        let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
        let request = StreamingOutputCallRequest.with { request in
            request.responseParameters = sizes.map { size in ResponseParameters.with { $0.size = size } }
        }
        let received = try await client.streamingOutputCall(request) { responses, _ in
            var received: [Int] = []
            for try await response in responses { received.append(response.payload?.body.count ?? -1) }
            return received
        }
        #expect(received == sizes.map(Int.init))
    }

    @Test func pingPongAnswersEachRequestInTurn() async throws {
        let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
        let received = try await client.fullDuplexCall(requests: { writer in
            for size in sizes {
                try await writer.write(
                    StreamingOutputCallRequest.with { request in
                        request.responseParameters = [ResponseParameters.with { $0.size = size }]
                    })
            }
        }) { responses, _ in
            var received: [Int] = []
            for try await response in responses { received.append(response.payload?.body.count ?? -1) }
            return received
        }
        #expect(received == sizes.map(Int.init))
    }

    @Test func emptyStream() async throws {
        let count = try await client.fullDuplexCall(requests: { _ in }) { responses, _ in
            var count = 0
            for try await _ in responses { count += 1 }
            return count
        }
        #expect(count == 0)
    }

    @Test func customMetadataIsEchoedInHeadersAndTrailers() async throws {
        var options = CallOptions()
        options.metadata.add(InteropTestService.echoInitialKey, "test_initial_metadata_value")
        options.metadata.add(InteropTestService.echoTrailingKey, binary: [0xAB, 0xAB, 0xAB])
        let rpc = client.rpc
        let response: (message: SimpleResponse, headers: Metadata, trailers: Metadata) = try await rpc.unaryCall(
            TestService.Method.unaryCall, SimpleRequest.with { $0.responseSize = 1 }, options: options)
        #expect(response.headers[InteropTestService.echoInitialKey] == "test_initial_metadata_value")
        #expect(response.trailers.binary(InteropTestService.echoTrailingKey) == [0xAB, 0xAB, 0xAB])
    }

    @Test func statusCodeAndMessageAreReturned() async throws {
        let request = SimpleRequest.with {
            $0.responseStatus = EchoStatus.with {
                $0.code = 2
                $0.message = "test status message \t\n😀"
            }
        }
        await #expect(throws: RPCError(.unknown, "test status message \t\n😀")) { try await client.unaryCall(request) }
    }

    @Test func unimplementedMethodAndService() async throws {
        await #expect(throws: RPCError.self) { try await client.unimplementedCall(Empty()) }
        do {
            _ = try await client.unimplementedCall(Empty())
        } catch let error as RPCError {
            #expect(error.code == .unimplemented)
        }
        let other = UnimplementedService.Client(client.rpc)
        do {
            _ = try await other.unimplementedCall(Empty())
            Issue.record("an unserved service answered")
        } catch let error as RPCError {
            #expect(error.code == .unimplemented)
            #expect(error.message.contains("grpc.testing.UnimplementedService"))
        }
    }

    @Test func deadlineExceededCancelsTheHandler() async throws {
        let request = StreamingOutputCallRequest.with { request in
            request.responseParameters = [
                ResponseParameters.with {
                    $0.size = 1; $0.intervalUs = 2_000_000
                }
            ]
        }
        do {
            try await client.streamingOutputCall(request, options: CallOptions(timeout: .milliseconds(10))) {
                responses, _ in for try await _ in responses {}
            }
            Issue.record("the call outlived its deadline")
        } catch let error as RPCError {
            #expect(error.code == .deadlineExceeded)
        }
    }

    @Test func malformedRequestBytesGetInvalidArgument() async throws {
        let transport = InProcessTransport(router: Router(services: [InteropTestService()]))
        do {
            _ = try await transport.unary(TestService.Method.unaryCall, request: [0x0F, 0x00], options: CallOptions())
            Issue.record("malformed bytes were accepted")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("grpc.testing.SimpleRequest"))
        }
    }

    @Test func interceptorsRunInOrderOnBothSides() async throws {
        let log = CallLog()
        let router = Router(services: [InteropTestService()]).intercepted(by: [
            RecordingServerInterceptor(name: "server-outer", log: log),
            RecordingServerInterceptor(name: "server-inner", log: log),
        ])
        let rpc = RPCClient(
            transport: InProcessTransport(router: router),
            interceptors: [
                RecordingClientInterceptor(name: "client-outer", log: log),
                RecordingClientInterceptor(name: "client-inner", log: log),
            ])
        _ = try await TestService.Client(rpc).emptyCall(Empty())
        #expect(log.entries == ["client-outer", "client-inner", "server-outer", "server-inner"])
    }
}

struct RecordingServerInterceptor: ServerInterceptor {
    let name: String
    let log: CallLog

    func intercept<Result: Sendable>(
        _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
    ) async throws -> Result {
        log.append(name)
        return try await next(context)
    }
}

struct RecordingClientInterceptor: ClientInterceptor {
    let name: String
    let log: CallLog

    func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        log.append(name)
        return try await next(options)
    }
}

/// Names recorded by interceptors, in call order.
final class CallLog: Sendable {
    private let state = Mutex<[String]>([])

    var entries: [String] { state.withLock { $0 } }

    func append(_ name: String) {
        state.withLock { $0.append(name) }
    }
}
