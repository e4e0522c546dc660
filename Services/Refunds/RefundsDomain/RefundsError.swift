/// Why a Refunds command was refused. Each case maps to one gRPC status in the handlers.
public enum RefundsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing, malformed or out of range (INVALID_ARGUMENT).
    case invalid(String)
    /// The refund or order does not exist, or the caller may not see it (NOT_FOUND).
    case notFound(String)
    /// Not allowed in the current state, or more than remains refundable (FAILED_PRECONDITION).
    case notAllowed(String)
    /// The return or issue already has a refund (ALREADY_EXISTS); the message names it.
    case alreadyRefunded(String)

    /// The message for the caller.
    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .notAllowed(let message), .alreadyRefunded(let message):
            message
        }
    }
}
