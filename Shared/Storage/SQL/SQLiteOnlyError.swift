import RPC

/// A store not yet written over ``SQLConnection`` used on PostgreSQL: a programming error of
/// the service's wiring, refused as INTERNAL rather than run against the wrong database.
public struct SQLiteOnlyError: Error, RPCErrorConvertible, Hashable {
    /// An error.
    public init() {}

    /// INTERNAL.
    public var rpcError: RPCError {
        RPCError(.internal, "this part of the service's storage runs on SQLite only")
    }
}
