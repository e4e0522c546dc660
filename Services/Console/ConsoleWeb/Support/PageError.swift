import RPC

/// Why a page cannot be shown, with the HTTP status it gets and a message a person can act on.
public struct PageError: Error, Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The heading.
    public var title: String
    /// What went wrong.
    public var message: String

    /// An error of `status`.
    public init(status: Int, title: String, message: String) {
        self.status = status
        self.title = title
        self.message = message
    }

    /// 400: the request itself is wrong.
    public static func badRequest(_ message: String) -> PageError {
        PageError(status: 400, title: "Bad request", message: message)
    }

    /// 403: the signed-in person may not do this.
    public static func forbidden(_ message: String) -> PageError {
        PageError(status: 403, title: "Not allowed", message: message)
    }

    /// 404: no such page or case.
    public static func notFound(_ message: String) -> PageError {
        PageError(status: 404, title: "Not found", message: message)
    }

    /// The page for a failed RPC: the service's refusal becomes the matching HTTP status, with the
    /// service's message (escaped when shown).
    public static func from(_ error: RPCError, service: String) -> PageError {
        let message = "\(service): \(error.message)"
        switch error.code {
        case .permissionDenied: return PageError(status: 403, title: "Not allowed", message: message)
        case .unauthenticated: return PageError(status: 401, title: "Sign in again", message: message)
        case .notFound: return PageError(status: 404, title: "Not found", message: message)
        case .invalidArgument, .outOfRange: return PageError(status: 400, title: "Not accepted", message: message)
        case .failedPrecondition, .alreadyExists, .aborted:
            return PageError(status: 409, title: "Not possible now", message: message)
        case .unavailable, .deadlineExceeded:
            return PageError(status: 503, title: "Service unavailable", message: message)
        default: return PageError(status: 502, title: "Service error", message: message)
        }
    }
}
