/// A call that ended with a non-OK status: the error handlers throw to answer with a status, and
/// the error clients see when a call fails.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code.
    public var code: StatusCode
    /// A message for the caller, saying what was wrong and, where possible, what to do.
    public var message: String
    /// Trailing metadata sent with the status.
    public var metadata: Metadata

    /// An error with `code`, `message` and optional trailing metadata.
    public init(_ code: StatusCode, _ message: String, metadata: Metadata = [:]) {
        self.code = code
        self.message = message
        self.metadata = metadata
    }

    /// `CODE: message`.
    public var description: String { message.isEmpty ? code.description : "\(code): \(message)" }
}
