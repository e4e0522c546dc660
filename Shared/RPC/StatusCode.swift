/// The gRPC status codes, as carried in the `grpc-status` trailer.
public enum StatusCode: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Success.
    case ok = 0
    /// The call was cancelled, typically by the caller.
    case cancelled = 1
    /// An error with no better code; also any code a peer sends that is not in this list.
    case unknown = 2
    /// The request is invalid regardless of the system's state.
    case invalidArgument = 3
    /// The deadline passed before the call finished.
    case deadlineExceeded = 4
    /// Something the request names does not exist.
    case notFound = 5
    /// Something the request would create already exists.
    case alreadyExists = 6
    /// The caller may not do this.
    case permissionDenied = 7
    /// A limit was reached (message size, concurrency, quota).
    case resourceExhausted = 8
    /// The system is not in a state in which this can be done.
    case failedPrecondition = 9
    /// The operation was aborted, typically by a concurrency conflict.
    case aborted = 10
    /// A value is outside the valid range.
    case outOfRange = 11
    /// The method or service does not exist here.
    case unimplemented = 12
    /// An invariant of the system broke.
    case `internal` = 13
    /// The service is unavailable right now; safe calls may be retried.
    case unavailable = 14
    /// Data was lost or corrupted.
    case dataLoss = 15
    /// The caller did not prove who it is.
    case unauthenticated = 16

    /// The code for a `grpc-status` value; unknown values map to ``unknown``.
    public init(wireValue: Int) {
        self = StatusCode(rawValue: wireValue) ?? .unknown
    }

    /// The name gRPC uses, such as `NOT_FOUND`.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }
}
