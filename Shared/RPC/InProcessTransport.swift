import Synchronization

/// A ``ClientTransport`` that calls a ``Router``'s handlers directly, for tests of service logic.
/// Messages are still encoded and decoded; deadlines, cancellation and statuses are those of the
/// ``ServerCallExecutor``, as over the network; there is no HTTP/2.
public struct InProcessTransport: ClientTransport {
    private let executor: ServerCallExecutor

    /// A transport into `router` (already intercepted, as a server would run it).
    public init(router: Router) {
        self.executor = ServerCallExecutor(router: router)
    }

    /// Runs a unary call; a streaming handler's first response message is the response.
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse
    {
        let call = try accept(method, options)
        let response = CollectedResponse()
        await ServerCallExecutor.execute(call, request: .message(request), on: response)
        switch response.outcome {
        case .ok(let message, let trailers):
            guard let message = message ?? response.firstMessage else {
                throw RPCError(.internal, "the handler sent no response message")
            }
            return UnaryResponse(message: message, headers: call.context.response.headers, trailers: trailers)
        case .failed(let error):
            throw error
        case nil:
            throw RPCError(.internal, "the call produced no result")
        }
    }

    /// Runs a streaming call with the client's request and response sides connected to it.
    public func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        let call = try accept(method, options)
        let (requestStream, requestContinuation) = MessageStream.makeStream()
        let (responseStream, responseContinuation) = MessageStream.makeStream()
        let trailers = StreamingResponse.TrailerBox()
        let response = StreamedResponse(continuation: responseContinuation, trailers: trailers)

        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                do {
                    try await requests(MessageWriter { requestContinuation.yield($0) })
                    requestContinuation.finish()
                } catch {
                    requestContinuation.finish(throwing: error)
                }
                return nil
            }
            group.addTask {
                await ServerCallExecutor.execute(call, request: .messages(requestStream), on: response)
                return nil
            }
            group.addTask {
                try await responses(
                    StreamingResponse(
                        headers: call.context.response.headers, messages: responseStream, trailers: trailers))
            }
            var result: Result?
            for try await value in group where value != nil { result = value }
            guard let result else { throw RPCError(.internal, "the call produced no result") }
            return result
        }
    }

    /// The call's handler and context, once routed and admitted (authentication): as on the
    /// network, a refused call never reaches its handler.
    private func accept(_ method: MethodDescriptor, _ options: CallOptions) throws(RPCError)
        -> ServerCallExecutor.Accepted
    {
        try executor.accept(path: method.path, metadata: options.metadata, timeout: options.timeout, peer: "in-process")
    }
}

/// The response of a unary call run in process: the messages a handler sent and the outcome.
private final class CollectedResponse: ServerCallStream {
    private let state = Mutex<(first: [UInt8]?, outcome: ServerCallOutcome?)>((nil, nil))

    var firstMessage: [UInt8]? { state.withLock { $0.first } }
    var outcome: ServerCallOutcome? { state.withLock { $0.outcome } }

    func send(_ message: [UInt8]) async throws {
        state.withLock { if $0.first == nil { $0.first = message } }
    }

    func finish(_ outcome: ServerCallOutcome) {
        state.withLock { $0.outcome = outcome }
    }
}

/// The response side of a streaming call run in process, fed to the caller's stream.
private struct StreamedResponse: ServerCallStream {
    let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    let trailers: StreamingResponse.TrailerBox

    func send(_ message: [UInt8]) async throws {
        continuation.yield(message)
    }

    func finish(_ outcome: ServerCallOutcome) {
        switch outcome {
        case .ok(let message, let metadata):
            if let message { continuation.yield(message) }
            trailers.set(metadata)
            continuation.finish()
        case .failed(let error):
            trailers.set(error.metadata)
            continuation.finish(throwing: error)
        }
    }
}
