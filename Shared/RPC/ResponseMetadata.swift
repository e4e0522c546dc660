import Synchronization

/// What a handler sends back besides messages: initial metadata (headers) and trailing metadata.
/// Shared by reference between the handler and the transport; safe from any thread.
public final class ResponseMetadata: Sendable {
    private let state = Mutex<(headers: Metadata, trailers: Metadata, compress: Bool)>(([:], [:], false))

    /// Empty response metadata.
    public init() {}

    /// Headers sent before the first response message (or with the status if there is none).
    public var headers: Metadata { state.withLock { $0.headers } }

    /// Trailers sent with the status.
    public var trailers: Metadata { state.withLock { $0.trailers } }

    /// Whether response messages should be compressed (when the client accepts gzip).
    public var compressMessages: Bool {
        get { state.withLock { $0.compress } }
        set { state.withLock { $0.compress = newValue } }
    }

    /// Adds a header; has no effect once headers were sent.
    public func addHeader(_ entry: Metadata.Entry) {
        state.withLock { $0.headers.add(entry) }
    }

    /// Adds a trailer.
    public func addTrailer(_ entry: Metadata.Entry) {
        state.withLock { $0.trailers.add(entry) }
    }
}
