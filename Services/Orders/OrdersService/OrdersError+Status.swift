import OrdersDomain
import RPC

extension OrdersError: RPCErrorConvertible {
    /// The gRPC status for the error, with its message.
    public var rpcError: RPCError {
        switch self {
        case .invalid(let message): RPCError(.invalidArgument, message)
        case .notFound(let message): RPCError(.notFound, message)
        case .notAllowed(let message): RPCError(.failedPrecondition, message)
        case .forbidden(let message): RPCError(.permissionDenied, message)
        case .conflict(let message): RPCError(.alreadyExists, message)
        }
    }
}
