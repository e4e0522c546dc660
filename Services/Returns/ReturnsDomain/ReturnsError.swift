/// Why a Returns command was refused. Each case maps to one gRPC status in the handlers.
public enum ReturnsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing, malformed or out of range (INVALID_ARGUMENT).
    case invalid(String)
    /// The return or order does not exist, or the caller may not see it (NOT_FOUND).
    case notFound(String)
    /// Not allowed now: outside the window, or in the wrong state (FAILED_PRECONDITION).
    case notAllowed(String)

    /// The message for the caller.
    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .notAllowed(let message): message
        }
    }
}
