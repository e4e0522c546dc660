import RPC
import RefundsDomain

extension RefundsError: RPCErrorConvertible {
    /// The gRPC status for the error, with its message.
    public var rpcError: RPCError {
        switch self {
        case .invalid(let message): RPCError(.invalidArgument, message)
        case .notFound(let message): RPCError(.notFound, message)
        case .notAllowed(let message): RPCError(.failedPrecondition, message)
        case .alreadyRefunded(let message): RPCError(.alreadyExists, message)
        }
    }
}
