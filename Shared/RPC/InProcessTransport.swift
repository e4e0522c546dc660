/// A ``ClientTransport`` that calls a ``Router``'s handlers directly, for tests of service logic.
/// Messages are still encoded and decoded; deadlines, cancellation and statuses behave as over
/// the network; there is no HTTP/2.
public struct InProcessTransport: ClientTransport {
    private let router: Router

    /// A transport into `router` (already intercepted, as a server would run it).
    public init(router: Router) {
        self.router = router
    }

    /// Runs a unary handler.
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse
    {
        let handler = try lookUp(method)
        let context = try admit(method, options)
        do {
            let message: [UInt8]
            switch handler.body {
            case .unary(let handle):
                message = try await withDeadline(context.deadline) { try await handle(request, context) }
            case .streaming(let handle):
                let collected = Collector()
                try await withDeadline(context.deadline) {
                    try await handle(.of([request]), MessageWriter { await collected.append($0) }, context)
                }
                guard let only = await collected.messages.first else {
                    throw RPCError(.internal, "the handler sent no response message")
                }
                message = only
            }
            return UnaryResponse(
                message: message, headers: context.response.headers, trailers: context.response.trailers)
        } catch {
            var failure = RPCError(converting: error)
            for entry in context.response.trailers { failure.metadata.add(entry) }
            throw failure
        }
    }

    /// Runs a streaming handler with the client's request and response sides connected to it.
    public func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        let handler = try lookUp(method)
        let context = try admit(method, options)
        let (requestStream, requestContinuation) = MessageStream.makeStream()
        let (responseStream, responseContinuation) = MessageStream.makeStream()
        let trailers = StreamingResponse.TrailerBox()

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
                do {
                    try await withDeadline(context.deadline) {
                        switch handler.body {
                        case .unary(let handle):
                            let request = try await Router.single(from: requestStream)
                            responseContinuation.yield(try await handle(request, context))
                        case .streaming(let handle):
                            try await handle(requestStream, MessageWriter { responseContinuation.yield($0) }, context)
                        }
                    }
                    trailers.set(context.response.trailers)
                    responseContinuation.finish()
                } catch {
                    var failure = RPCError(converting: error)
                    for entry in context.response.trailers { failure.metadata.add(entry) }
                    trailers.set(failure.metadata)
                    responseContinuation.finish(throwing: failure)
                }
                return nil
            }
            group.addTask {
                try await responses(
                    StreamingResponse(headers: context.response.headers, messages: responseStream, trailers: trailers))
            }
            var result: Result?
            for try await value in group where value != nil { result = value }
            guard let result else { throw RPCError(.internal, "the call produced no result") }
            return result
        }
    }

    private func lookUp(_ method: MethodDescriptor) throws -> ServerHandler {
        guard let handler = router.handler(forPath: method.path) else {
            if router.serves(service: method.service) {
                throw RPCError(.unimplemented, "method \(method.method) is not implemented by \(method.service)")
            }
            throw RPCError(.unimplemented, "service \(method.service) is not served here")
        }
        return handler
    }

    /// The call's context, once the router's admissions (authentication) let it in: as on the
    /// network, a refused call never reaches its handler.
    private func admit(_ method: MethodDescriptor, _ options: CallOptions) throws(RPCError) -> ServerContext {
        var context = ServerContext(
            method: method, requestMetadata: options.metadata, deadline: options.timeout.map { .now + $0 },
            peer: "in-process")
        try router.admit(&context)
        return context
    }
}

/// Collects response messages of a streaming handler run as a unary call.
private actor Collector {
    var messages: [[UInt8]] = []

    func append(_ message: [UInt8]) {
        messages.append(message)
    }
}
