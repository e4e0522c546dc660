import RPC

/// The transport of a peer the configuration does not name: every call fails UNAVAILABLE with a
/// message naming the missing `--peer` setting, so a service starts without its peers and only
/// the calls that need one fail.
struct UnavailablePeerTransport: ClientTransport {
    /// The peer's name, such as "orders".
    let peer: String

    private var error: RPCError {
        RPCError(.unavailable, "peer '\(peer)' is not configured (--peer \(peer)=host:port)")
    }

    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse {
        throw error
    }

    func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        throw error
    }
}
