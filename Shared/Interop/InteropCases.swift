import InteropAPI
import RPC
import Wire

/// gRPC's interop test cases from the client side (grpc/grpc doc/interop-test-descriptions.md),
/// run with the project's own client against any TestService server.
public struct InteropCases: Sendable {
    /// Why a case failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What was expected and what happened.
        public var description: String
    }

    /// Every case, by its interop name.
    public static let names = [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
        "client_compressed_unary", "server_compressed_unary",
    ]

    let client: TestService.Client
    /// Whether the server rejects uncompressed requests that claim `expect_compressed` (gRPC's
    /// compression feature probe).
    let serverChecksCompression: Bool

    /// Cases run over `rpc`.
    public init(rpc: RPCClient, serverChecksCompression: Bool = true) {
        self.client = TestService.Client(rpc)
        self.serverChecksCompression = serverChecksCompression
    }

    /// Runs the case called `name`.
    public func run(_ name: String) async throws {
        switch name {
        case "empty_unary": try await emptyUnary()
        case "large_unary": try await largeUnary()
        case "client_streaming": try await clientStreaming()
        case "server_streaming": try await serverStreaming()
        case "ping_pong": try await pingPong()
        case "empty_stream": try await emptyStream()
        case "custom_metadata": try await customMetadata()
        case "status_code_and_message": try await statusCodeAndMessage("test status message")
        case "special_status_message":
            try await statusCodeAndMessage("\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n")
        case "unimplemented_method":
            try await expectCode(.unimplemented) { _ = try await client.unimplementedCall(Empty()) }
        case "unimplemented_service":
            try await expectCode(.unimplemented) {
                _ = try await UnimplementedService.Client(client.rpc).unimplementedCall(Empty())
            }
        case "cancel_after_begin": try await cancelAfterBegin()
        case "cancel_after_first_response": try await cancelAfterFirstResponse()
        case "timeout_on_sleeping_server": try await timeoutOnSleepingServer()
        case "client_compressed_unary": try await clientCompressedUnary()
        case "server_compressed_unary": try await serverCompressedUnary()
        default: throw Failure(description: "unknown case \(name)")
        }
    }

    static func payload(_ size: Int) -> Payload {
        Payload.with { $0.body = [UInt8](repeating: 0, count: size) }
    }

    func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: message()) }
    }

    func expectCode(_ code: StatusCode, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as RPCError {
            try check(error.code == code, "expected \(code), got \(error)")
            return
        }
        throw Failure(description: "expected \(code), the call succeeded")
    }

    private func emptyUnary() async throws {
        try check(try await client.emptyCall(Empty()) == Empty(), "non-empty response")
    }

    private func largeUnary() async throws {
        let response = try await client.unaryCall(
            SimpleRequest.with {
                $0.responseSize = 314_159
                $0.payload = Self.payload(271_828)
            })
        try check(response.payload?.body.count == 314_159, "wrong payload size")
    }

    private func clientStreaming() async throws {
        let response = try await client.streamingInputCall { writer in
            for size in [27_182, 8, 1_828, 45_904] {
                try await writer.write(StreamingInputCallRequest.with { $0.payload = Self.payload(size) })
            }
        }
        try check(response.aggregatedPayloadSize == 74_922, "aggregate \(response.aggregatedPayloadSize)")
    }

    private func serverStreaming() async throws {
        let sizes = [31_415, 9, 2_653, 58_979]
        let request = StreamingOutputCallRequest.with { request in
            request.responseParameters = sizes.map { size in ResponseParameters.with { $0.size = Int32(size) } }
        }
        let received = try await client.streamingOutputCall(request) { responses, _ in
            var received: [Int] = []
            for try await response in responses { received.append(response.payload?.body.count ?? -1) }
            return received
        }
        try check(received == sizes, "sizes \(received)")
    }

    private func pingPong() async throws {
        let requestSizes = [27_182, 8, 1_828, 45_904]
        let responseSizes = [31_415, 9, 2_653, 58_979]
        // Each request is written only after the previous response arrived.
        let (arrivals, arrived) = AsyncStream<Void>.makeStream()
        let received = try await client.fullDuplexCall(requests: { writer in
            var waiting = arrivals.makeAsyncIterator()
            for (requestSize, responseSize) in zip(requestSizes, responseSizes) {
                try await writer.write(
                    StreamingOutputCallRequest.with {
                        $0.responseParameters = [ResponseParameters.with { $0.size = Int32(responseSize) }]
                        $0.payload = Self.payload(requestSize)
                    })
                guard await waiting.next() != nil else { break }
            }
        }) { responses, _ in
            var received: [Int] = []
            for try await response in responses {
                received.append(response.payload?.body.count ?? -1)
                arrived.yield()
            }
            arrived.finish()
            return received
        }
        try check(received == responseSizes, "sizes \(received)")
    }

    private func emptyStream() async throws {
        let count = try await client.fullDuplexCall(requests: { _ in }) { responses, _ in
            var count = 0
            for try await _ in responses { count += 1 }
            return count
        }
        try check(count == 0, "\(count) responses to an empty stream")
    }

    private func customMetadata() async throws {
        var options = CallOptions()
        options.metadata.add("x-grpc-test-echo-initial", "test_initial_metadata_value")
        options.metadata.add("x-grpc-test-echo-trailing-bin", binary: [0xAB, 0xAB, 0xAB])
        let response: (message: SimpleResponse, headers: Metadata, trailers: Metadata) = try await client.rpc.unaryCall(
            TestService.Method.unaryCall,
            SimpleRequest.with {
                $0.responseSize = 314_159
                $0.payload = Self.payload(271_828)
            }, options: options)
        try check(response.headers["x-grpc-test-echo-initial"] == "test_initial_metadata_value", "initial metadata")
        try check(response.trailers.binary("x-grpc-test-echo-trailing-bin") == [0xAB, 0xAB, 0xAB], "trailing metadata")

        let request = StreamingOutputCallRequest.with {
            $0.responseParameters = [ResponseParameters.with { $0.size = 314_159 }]
            $0.payload = Self.payload(271_828)
        }
        let rpc = client.rpc
        let (headers, trailers) = try await rpc.streaming(
            TestService.Method.fullDuplexCall, options: options,
            requests: { try await $0.write(request.serializedBytes()) }
        ) { response in
            for try await _ in response.messages {}
            return (response.headers, response.trailers)
        }
        try check(headers["x-grpc-test-echo-initial"] == "test_initial_metadata_value", "streaming initial metadata")
        try check(
            trailers.binary("x-grpc-test-echo-trailing-bin") == [0xAB, 0xAB, 0xAB], "streaming trailing metadata")
    }

    private func statusCodeAndMessage(_ message: String) async throws {
        let status = EchoStatus.with {
            $0.code = 2
            $0.message = message
        }
        do {
            _ = try await client.unaryCall(SimpleRequest.with { $0.responseStatus = status })
            throw Failure(description: "the unary call succeeded")
        } catch let error as RPCError {
            try check(error.code == .unknown && error.message == message, "unary: \(error)")
        }
        do {
            try await client.fullDuplexCall(requests: { writer in
                try await writer.write(StreamingOutputCallRequest.with { $0.responseStatus = status })
            }) { responses, _ in for try await _ in responses {} }
            throw Failure(description: "the streaming call succeeded")
        } catch let error as RPCError {
            try check(error.code == .unknown && error.message == message, "streaming: \(error)")
        }
    }

    private func cancelAfterBegin() async throws {
        let task = Task {
            try await client.streamingInputCall { _ in try await Task.sleep(for: .seconds(10)) }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        do {
            _ = try await task.value
            throw Failure(description: "the cancelled call succeeded")
        } catch let error as RPCError {
            try check(error.code == .cancelled, "expected CANCELLED, got \(error)")
        } catch is CancellationError {
            return
        }
    }

    private func cancelAfterFirstResponse() async throws {
        let task = Task {
            try await client.fullDuplexCall(requests: { writer in
                try await writer.write(
                    StreamingOutputCallRequest.with {
                        $0.responseParameters = [ResponseParameters.with { $0.size = 31_415 }]
                        $0.payload = Self.payload(27_182)
                    })
                try await Task.sleep(for: .seconds(10))
            }) { responses, _ in
                // One loop over the stream, the call cancelled at the first response. (Swift 6.3.1
                // crashed in release builds splitting this closure's coroutine when it was an
                // iterator read once before a `while` loop over the rest, once nonisolated async
                // closures ran on their caller's executor: NonisolatedNonsendingByDefault.)
                var first = true
                for try await _ in responses where first {
                    first = false
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            }
        }
        do {
            try await task.value
            throw Failure(description: "the cancelled call succeeded")
        } catch let error as RPCError {
            try check(error.code == .cancelled, "expected CANCELLED, got \(error)")
        } catch is CancellationError {
            return
        }
    }

    private func timeoutOnSleepingServer() async throws {
        try await expectCode(.deadlineExceeded) {
            try await client.fullDuplexCall(
                options: CallOptions(timeout: .milliseconds(1)),
                requests: { writer in
                    try await writer.write(StreamingOutputCallRequest.with { $0.payload = Self.payload(27_182) })
                    try await Task.sleep(for: .seconds(10))
                }
            ) { responses, _ in for try await _ in responses {} }
        }
    }

    private func clientCompressedUnary() async throws {
        var request = SimpleRequest.with {
            $0.responseSize = 314_159
            $0.payload = Self.payload(271_828)
            $0.expectCompressed = BoolValue.with { $0.value = true }
        }
        if serverChecksCompression {
            try await expectCode(.invalidArgument) { _ = try await client.unaryCall(request) }
        }
        let compressed = try await client.unaryCall(request, options: CallOptions(compressRequests: true))
        try check(compressed.payload?.body.count == 314_159, "compressed request: wrong size")
        request.expectCompressed = BoolValue.with { $0.value = false }
        let plain = try await client.unaryCall(request)
        try check(plain.payload?.body.count == 314_159, "uncompressed request: wrong size")
    }

    private func serverCompressedUnary() async throws {
        for compressed in [true, false] {
            let response = try await client.unaryCall(
                SimpleRequest.with {
                    $0.responseSize = 314_159
                    $0.payload = Self.payload(271_828)
                    $0.responseCompressed = BoolValue.with { $0.value = compressed }
                })
            try check(response.payload?.body.count == 314_159, "compressed=\(compressed): wrong size")
        }
    }
}
