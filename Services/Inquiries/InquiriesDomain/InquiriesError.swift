/// Why an Inquiries command was refused. Each case maps to one gRPC status in the handlers.
public enum InquiriesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing, malformed or out of range (INVALID_ARGUMENT).
    case invalid(String)
    /// Not found, or not visible to the caller (NOT_FOUND).
    case notFound(String)
    /// Not possible now (FAILED_PRECONDITION).
    case notAllowed(String)

    /// The message for the caller.
    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .notAllowed(let message): message
        }
    }
}
