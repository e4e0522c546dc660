import InquiriesDomain
import RPC

extension InquiriesError {
    /// The gRPC status for the error, with its message.
    var status: RPCError {
        switch self {
        case .invalid(let message): RPCError(.invalidArgument, message)
        case .notFound(let message): RPCError(.notFound, message)
        case .notAllowed(let message): RPCError(.failedPrecondition, message)
        }
    }
}
