extension RPCError {
    /// The status to answer with for any error a handler throws: an ``RPCError`` as it is, an
    /// ``RPCErrorConvertible`` as it says, cancellation as CANCELLED, anything else as UNKNOWN
    /// without its (internal) details.
    public init(converting error: any Error) {
        switch error {
        case let error as RPCError: self = error
        case let error as any RPCErrorConvertible: self = error.rpcError
        case is CancellationError: self = RPCError(.cancelled, "the call was cancelled")
        default: self = RPCError(.unknown, "the service failed to handle the call")
        }
    }
}
