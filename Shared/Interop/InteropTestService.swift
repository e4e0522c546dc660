import InteropAPI
import RPC
import Wire

/// `grpc.testing.TestService` as gRPC's interop test descriptions define it: payloads of the
/// requested sizes, requested statuses echoed back, and the `x-grpc-test-echo-*` metadata
/// echoed in headers and trailers, compression checked and applied on request.
/// `UnimplementedCall` answers UNIMPLEMENTED.
public struct InteropTestService: TestService.ServiceProtocol {
    /// Metadata key echoed back in the initial metadata.
    public static let echoInitialKey = "x-grpc-test-echo-initial"
    /// Metadata key echoed back in the trailing metadata.
    public static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

    /// The service.
    public init() {}

    /// Returns an empty message.
    public func emptyCall(_ request: Empty, context: ServerContext) async throws -> Empty {
        echoMetadata(context)
        return Empty()
    }

    /// Returns a payload of `response_size` zero bytes, or the requested status.
    public func unaryCall(_ request: SimpleRequest, context: ServerContext) async throws -> SimpleResponse {
        echoMetadata(context)
        if request.expectCompressed?.value == true, !context.requestWasCompressed {
            throw RPCError(.invalidArgument, "expected a compressed request message")
        }
        if request.responseCompressed?.value == true { context.response.compressMessages = true }
        try throwRequestedStatus(request.responseStatus)
        return SimpleResponse.with { $0.payload = Self.payload(size: request.responseSize) }
    }

    /// Same as ``unaryCall(_:context:)``.
    public func cacheableUnaryCall(_ request: SimpleRequest, context: ServerContext) async throws -> SimpleResponse {
        try await unaryCall(request, context: context)
    }

    /// Sends one payload per response parameter, waiting `interval_us` before each.
    public func streamingOutputCall(
        _ request: StreamingOutputCallRequest, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        try await respond(to: request, with: responses)
        try throwRequestedStatus(request.responseStatus)
    }

    /// Returns the sum of the request payload sizes.
    public func streamingInputCall(
        _ requests: RequestStream<StreamingInputCallRequest>, context: ServerContext
    ) async throws -> StreamingInputCallResponse {
        echoMetadata(context)
        var total: Int32 = 0
        for try await request in requests { total &+= Int32(truncatingIfNeeded: request.payload?.body.count ?? 0) }
        return StreamingInputCallResponse.with { $0.aggregatedPayloadSize = total }
    }

    /// Answers each request as it arrives.
    public func fullDuplexCall(
        _ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await request in requests {
            try throwRequestedStatus(request.responseStatus)
            try await respond(to: request, with: responses)
        }
    }

    /// Answers all requests after the client finished sending.
    public func halfDuplexCall(
        _ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        var received: [StreamingOutputCallRequest] = []
        for try await request in requests { received.append(request) }
        for request in received { try await respond(to: request, with: responses) }
    }

    /// Not implemented, on purpose.
    public func unimplementedCall(_ request: Empty, context: ServerContext) async throws -> Empty {
        throw RPCError(.unimplemented, "UnimplementedCall is not implemented")
    }

    private func respond(
        to request: StreamingOutputCallRequest, with responses: ResponseWriter<StreamingOutputCallResponse>
    ) async throws {
        for parameters in request.responseParameters {
            if parameters.intervalUs > 0 { try await Task.sleep(for: .microseconds(Int(parameters.intervalUs))) }
            try await responses.write(
                StreamingOutputCallResponse.with { $0.payload = Self.payload(size: parameters.size) })
        }
    }

    private func throwRequestedStatus(_ status: EchoStatus?) throws {
        guard let status, status.code != 0 else { return }
        throw RPCError(StatusCode(wireValue: Int(status.code)), status.message)
    }

    private func echoMetadata(_ context: ServerContext) {
        if let value = context.requestMetadata[Self.echoInitialKey] {
            context.response.addHeader(Metadata.Entry(key: Self.echoInitialKey, value: .string(value)))
        }
        if let value = context.requestMetadata.binary(Self.echoTrailingKey) {
            context.response.addTrailer(Metadata.Entry(key: Self.echoTrailingKey, value: .binary(value)))
        }
    }

    static func payload(size: Int32) -> Payload {
        Payload.with {
            $0.type = .compressable
            $0.body = [UInt8](repeating: 0, count: Int(max(0, size)))
        }
    }
}
