import Synchronization

/// Links a client call's task to its stream on the connection's event loop, so that
/// cancellation can find the stream whichever happens first.
final class CallHandle: Sendable {
    private let state = Mutex<(streamID: Int32?, cancelled: Bool)>((nil, false))

    /// The stream carrying the call, once opened.
    var streamID: Int32? {
        get { state.withLock { $0.streamID } }
        set { state.withLock { $0.streamID = newValue } }
    }

    /// Whether the caller cancelled.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Records the cancellation; returns the stream to reset, if one is open.
    func cancel() -> Int32? {
        state.withLock {
            $0.cancelled = true
            return $0.streamID
        }
    }
}
