import PostgresNIO
import RPC

/// The one place PostgreSQL failures become gRPC statuses: the database unreachable, shutting
/// down, a standby that cannot take writes, or contention that outlived the retries is
/// UNAVAILABLE (worth a retry); a full disk or too many connections RESOURCE_EXHAUSTED; a text it
/// cannot store (NUL, SQLSTATE 22021) INVALID_ARGUMENT; anything
/// else INTERNAL with the SQLSTATE. Messages never carry SQL or data.
extension PSQLError: RPCErrorConvertible {
    /// The SQLSTATE the server sent, if the server sent the error.
    public var sqlState: String? {
        guard code == .server else { return nil }
        return serverInfo?[.sqlState]
    }

    /// Whether running the whole transaction again may succeed: a serialization failure or a
    /// deadlock (each transaction body is pure apart from its SQL, so it may run again).
    public var isTransient: Bool {
        sqlState == "40001" || sqlState == "40P01"
    }

    /// The status for this failure.
    public var rpcError: RPCError {
        guard let state = sqlState else {
            return RPCError(.unavailable, "the service's database cannot be reached; try again")
        }
        switch state {
        case "53100":
            return RPCError(.resourceExhausted, "the service's database is full; try again once space is freed")
        case "53300":
            return RPCError(.unavailable, "the service's database has no free connection; try again")
        case "40001", "40P01", "55P03":
            return RPCError(.unavailable, "the service's database is busy; try again")
        case "22021", "22P05":
            // A text the database cannot store (NUL, or a character outside its encoding): the
            // request's fault, should one get past the services' own checks.
            return RPCError(.invalidArgument, "a text holds a character the database cannot store (such as NUL)")
        case "25006":
            return RPCError(.unavailable, "the service's database is read-only (a standby); try again")
        case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
            return RPCError(.unavailable, "the service's database is unavailable; try again")
        default:
            return RPCError(.internal, "the service's database failed (SQLSTATE \(state))")
        }
    }
}
