/// Why an Orders command was refused. Each case maps to one gRPC status in the handlers.
public enum OrdersError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing, malformed or out of range (INVALID_ARGUMENT).
    case invalid(String)
    /// The order or issue does not exist, or the caller may not see it (NOT_FOUND).
    case notFound(String)
    /// The case is in a state where this is not allowed (FAILED_PRECONDITION).
    case notAllowed(String)
    /// The caller may not do this to this case (PERMISSION_DENIED).
    case forbidden(String)
    /// The same id was already used for different data (ALREADY_EXISTS).
    case conflict(String)

    /// The message for the caller.
    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .notAllowed(let message), .forbidden(let message),
            .conflict(let message):
            message
        }
    }
}
