/// An error that knows its gRPC status: a service's domain errors conform (in the service, since
/// domains know nothing of the wire), so a handler may let them propagate and the caller still
/// gets the right code and message instead of UNKNOWN.
public protocol RPCErrorConvertible: Error {
    /// The status to answer with.
    var rpcError: RPCError { get }
}
