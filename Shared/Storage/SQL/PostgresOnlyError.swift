import RPC

/// A statement written for PostgreSQL only (an array parameter, ``SQLArray``) run on SQLite: a
/// programming error of the store, refused as INTERNAL rather than bound as something else.
public struct PostgresOnlyError: Error, RPCErrorConvertible, Hashable {
    /// An error.
    public init() {}

    /// INTERNAL.
    public var rpcError: RPCError {
        RPCError(.internal, "this part of the service's storage runs on PostgreSQL only")
    }
}
