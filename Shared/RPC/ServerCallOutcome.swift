/// How a call ends, as ``ServerCallExecutor`` hands it to the transport.
public enum ServerCallOutcome: Sendable {
    /// Status OK with `trailers`, after `message` if a unary handler answered one.
    case ok(message: [UInt8]?, trailers: Metadata)
    /// The error's code and message as the status, its metadata as the trailers.
    case failed(RPCError)
}
