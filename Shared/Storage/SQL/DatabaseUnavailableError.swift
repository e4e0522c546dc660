import RPC

/// No connection to the service's database could be had in time (it is down, restarting, or
/// unreachable): UNAVAILABLE, worth a retry; nothing was changed.
public struct DatabaseUnavailableError: Error, RPCErrorConvertible, Hashable {
    /// An error.
    public init() {}

    /// UNAVAILABLE.
    public var rpcError: RPCError {
        RPCError(.unavailable, "the service's database cannot be reached; try again")
    }
}
