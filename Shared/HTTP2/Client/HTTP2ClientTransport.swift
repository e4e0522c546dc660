import NIOCore
import NIOPosix
import RPC
import Synchronization

/// A ``ClientTransport`` over HTTP/2: one multiplexed connection per server address, calls spread
/// round-robin over the addresses that are up, reconnection with backoff, `grpc-timeout`
/// deadlines, cancellation as RST_STREAM, and calls marked safe retried on UNAVAILABLE.
public final class HTTP2ClientTransport: ClientTransport {
    private let connections: [ClientConnection]
    private let configuration: ClientConfiguration
    private let next = Atomic<Int>(0)

    /// A transport to `targets` ("host:port" each).
    public init(
        targets: [String], configuration: ClientConfiguration = ClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        let tls = try configuration.tls.map { try OpenSSLContext(client: $0) }
        var connections: [ClientConnection] = []
        for target in targets {
            guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
                (1...65_535).contains(port)
            else { throw RPCError(.invalidArgument, "target '\(target)' is not host:port") }
            let host = String(target[..<colon].filter { $0 != "[" && $0 != "]" })
            connections.append(
                ClientConnection(host: host, port: port, configuration: configuration, tls: tls, group: group))
        }
        guard !connections.isEmpty else { throw RPCError(.invalidArgument, "a client needs at least one target") }
        self.connections = connections
        self.configuration = configuration
    }

    /// A transport to one server.
    public convenience init(host: String, port: Int, configuration: ClientConfiguration = ClientConfiguration()) throws
    {
        try self.init(targets: ["\(host):\(port)"], configuration: configuration)
    }

    /// Closes every connection.
    public func close() {
        for connection in connections { connection.close() }
    }

    /// Makes a unary call, retrying it on another address if it is safe and fails UNAVAILABLE.
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse
    {
        let attempts = options.isSafeToRetry ? max(1, configuration.maximumAttempts) : 1
        var lastError = RPCError(.unavailable, "no attempt was made")
        for attempt in 0..<attempts {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(50 * attempt)) }
            do {
                let ready = try await pickConnection().ready()
                return try await unary(on: ready, path: method.path, request: request, options: options)
            } catch let error as RPCError where error.code == .unavailable {
                lastError = error
            }
        }
        throw lastError
    }

    /// Makes a streaming call.
    public func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        let ready = try await pickConnection().ready()
        let handle = CallHandle()
        let loop = ready.channel.eventLoop
        let handler = ready.handler
        let path = method.path
        return try await withTaskCancellationHandler {
            // Requests are written while the headers are awaited: a server may answer only after
            // it has read them all.
            let opened = try await loop.submit {
                () -> (EventLoopFuture<(Metadata, MessageStream)>, StreamingResponse.TrailerBox) in
                let headers = handler.value.startStreaming(path: path, options: options, handle: handle, on: loop)
                let trailers = handle.streamID.flatMap { handler.value.trailerBox(streamID: $0) }
                return (headers, trailers ?? StreamingResponse.TrailerBox())
            }.get()
            let (headersFuture, trailers) = opened
            let compress = options.compressRequests
            let writer = MessageWriter { message in
                try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                    loop.execute {
                        guard let id = handle.streamID else {
                            waiter.resume(throwing: RPCError(.cancelled, "the call has ended"))
                            return
                        }
                        handler.value.write(message, streamID: id, compress: compress, waiter: waiter)
                    }
                }
            }
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    do {
                        try await requests(writer)
                    } catch let error as RPCError where error.code == .cancelled {
                        return nil  // the call ended; the response side reports how
                    } catch {
                        loop.execute {
                            if let id = handle.streamID {
                                handler.value.cancel(streamID: id, RPCError(.cancelled, "the request writer failed"))
                            }
                        }
                        throw error
                    }
                    loop.execute { if let id = handle.streamID { handler.value.finishRequest(streamID: id) } }
                    return nil
                }
                group.addTask {
                    let (headers, messages) = try await headersFuture.get()
                    return try await responses(
                        StreamingResponse(headers: headers, messages: messages, trailers: trailers))
                }
                var result: Result?
                while let value = try await group.next() {
                    if let value {
                        result = value
                        group.cancelAll()
                    }
                }
                guard let result else { throw RPCError(.internal, "the call produced no result") }
                return result
            }
        } onCancel: {
            if let id = handle.cancel() {
                loop.execute { handler.value.cancel(streamID: id, RPCError(.cancelled, "the call was cancelled")) }
            }
        }
    }

    private func unary(
        on ready: ClientConnection.Ready, path: String, request: [UInt8], options: CallOptions
    ) async throws -> UnaryResponse {
        let handle = CallHandle()
        let loop = ready.channel.eventLoop
        let handler = ready.handler
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<UnaryResponse, any Error>) in
                if loop.inEventLoop {
                    handler.value.startUnary(
                        path: path, request: request, options: options, handle: handle, waiter: waiter)
                } else {
                    loop.execute {
                        handler.value.startUnary(
                            path: path, request: request, options: options, handle: handle, waiter: waiter)
                    }
                }
            }
        } onCancel: {
            if let id = handle.cancel() {
                loop.execute { handler.value.cancel(streamID: id, RPCError(.cancelled, "the call was cancelled")) }
            }
        }
    }

    /// The next connection round-robin, skipping those backing off after a failure.
    private func pickConnection() -> ClientConnection {
        let start = next.add(1, ordering: .relaxed).oldValue
        for offset in 0..<connections.count {
            let candidate = connections[(start + offset) % connections.count]
            if candidate.isUsable { return candidate }
        }
        return connections[start % connections.count]
    }
}
