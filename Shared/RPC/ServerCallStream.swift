/// The transport's side of one call on a server, as ``ServerCallExecutor`` drives it: where
/// response messages go and where the status goes. A transport implements this and carries the
/// bytes; the call's semantics stay in the executor.
public protocol ServerCallStream: Sendable {
    /// Whether the transport ends a call itself when its deadline passes (with
    /// ``ServerCallExecutor/deadlineExceeded``, cancelling the handler's task), sparing the
    /// executor a timer task per call.
    var endsCallsAtDeadline: Bool { get }

    /// Sends one response message (the response headers first); suspends while the peer cannot
    /// take more; throws once the call has ended.
    func send(_ message: [UInt8]) async throws

    /// Ends the call with `outcome`. Called exactly once, after the handler returned or threw.
    func finish(_ outcome: ServerCallOutcome)
}

extension ServerCallStream {
    /// By default the executor enforces deadlines.
    public var endsCallsAtDeadline: Bool { false }
}
