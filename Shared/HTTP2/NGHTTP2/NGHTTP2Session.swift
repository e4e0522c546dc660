import CNGHTTP2
import NIOCore

/// One nghttp2 session: the HTTP/2 protocol state machine of one connection, fed bytes with
/// ``receive(_:)`` and drained with ``send(into:limit:)`` (`nghttp2_session_mem_recv` and
/// `nghttp2_session_mem_send`). It owns the `nghttp2_session` and frees it; its C callbacks are
/// file-scope functions that find the session through nghttp2's user data and report to the
/// ``NGHTTP2SessionDelegate``. Confined to its connection's event loop.
///
/// Split by concern: this file holds the session's life and its input and output; `+Submit`
/// the frames it queues, `+Callbacks` the C callbacks, `+NameValues` the header layout nghttp2
/// takes.
///
/// Every nghttp2 result is checked. Calls that concern one stream (`submitRequest`,
/// `submitResponse`) throw an ``NGHTTP2Error`` the caller handles (fail the call, reset the
/// stream). A failure of a connection-level call (SETTINGS, GOAWAY, PING, RST_STREAM, window
/// updates) means the connection cannot go on: it is kept in ``failure`` and the next
/// ``send(into:limit:delegate:)`` throws it, so the connection's usual output path closes it.
///
/// The delegate is passed to ``receive(_:delegate:)`` and ``send(into:limit:delegate:)``, the
/// only calls during which nghttp2 calls back, and held strongly for just that call: no
/// reference cycle with the handler that owns the session, and no unowned reference that could
/// outlive its object.
final class NGHTTP2Session {
    /// Which side of the connection this is.
    enum Role {
        case server
        case client
    }

    /// Limits applied to the session.
    struct Limits {
        /// SETTINGS_MAX_CONCURRENT_STREAMS announced to the peer.
        var maxConcurrentStreams: UInt32 = 100
        /// SETTINGS_MAX_HEADER_LIST_SIZE announced to the peer.
        var maxHeaderListSize: UInt32 = 16_384
        /// SETTINGS_INITIAL_WINDOW_SIZE: how much a peer may send on a stream before we consume.
        var initialWindowSize: UInt32 = 1 << 20
        /// The connection-level receive window.
        var connectionWindowSize: Int32 = 4 << 20
    }

    /// What ``NGHTTP2SessionDelegate/sessionReadData(streamID:into:)`` produced.
    enum DataRead {
        /// `count` bytes; more will follow.
        case data(count: Int)
        /// `count` bytes and the end of the body, then these trailers (or END_STREAM on the data
        /// itself when `trailers` is nil).
        case end(count: Int, trailers: HeaderList?)
        /// Nothing yet; call ``resumeData(streamID:)`` when there is.
        case deferred
    }

    /// The `nghttp2_session`, owned: freed by `deinit`.
    let session: OpaquePointer
    /// The delegate of the `receive` or `send` call under way (nil outside them).
    private(set) var delegate: (any NGHTTP2SessionDelegate)?
    /// The first failure of a connection-level call; the next `send` throws it.
    private(set) var failure: NGHTTP2Error?

    /// A session for `role`, its SETTINGS and connection window queued for sending.
    init(role: Role, limits: Limits) throws(NGHTTP2Error) {
        var callbacks: OpaquePointer?
        try NGHTTP2Error.check(nghttp2_session_callbacks_new(&callbacks), "nghttp2_session_callbacks_new")
        guard let callbacks else {
            throw NGHTTP2Error(operation: "nghttp2_session_callbacks_new", code: NGHTTP2_ERR_NOMEM.rawValue)
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.installCallbacks(on: callbacks)

        var option: OpaquePointer?
        try NGHTTP2Error.check(nghttp2_option_new(&option), "nghttp2_option_new")
        guard let option else { throw NGHTTP2Error(operation: "nghttp2_option_new", code: NGHTTP2_ERR_NOMEM.rawValue) }
        defer { nghttp2_option_del(option) }
        // Flow control follows the application: windows open only as handlers consume.
        nghttp2_option_set_no_auto_window_update(option, 1)
        // Defences nghttp2 1.52 has but does not enable by default.
        nghttp2_option_set_max_continuations(option, 8)
        nghttp2_option_set_stream_reset_rate_limit(option, 1_000, 100)
        nghttp2_option_set_max_outbound_ack(option, 1_000)
        nghttp2_option_set_max_settings(option, 32)
        nghttp2_option_set_max_send_header_block_length(option, 64 * 1024)

        var raw: OpaquePointer?
        let status =
            switch role {
            case .server: nghttp2_session_server_new2(&raw, callbacks, nil, option)
            case .client: nghttp2_session_client_new2(&raw, callbacks, nil, option)
            }
        try NGHTTP2Error.check(status, "nghttp2_session_new")
        guard let raw else { throw NGHTTP2Error(operation: "nghttp2_session_new", code: NGHTTP2_ERR_NOMEM.rawValue) }
        session = raw
        nghttp2_session_set_user_data(raw, Unmanaged.passUnretained(self).toOpaque())

        var settings = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: limits.maxConcurrentStreams
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: limits.maxHeaderListSize),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: limits.initialWindowSize),
        ]
        if role == .client { settings.removeFirst() }
        // The session is freed by deinit if these throw (`session` is set).
        try NGHTTP2Error.check(
            nghttp2_submit_settings(raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count),
            "nghttp2_submit_settings")
        try NGHTTP2Error.check(
            nghttp2_session_set_local_window_size(
                raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, limits.connectionWindowSize),
            "nghttp2_session_set_local_window_size")
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: Input and output

    /// Feeds received bytes, reporting what they carry to `delegate`; returns false on a
    /// connection error (nghttp2 has queued GOAWAY).
    func receive(_ bytes: UnsafeRawBufferPointer, delegate: any NGHTTP2SessionDelegate) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        let previous = self.delegate
        self.delegate = delegate
        defer { self.delegate = previous }
        let result = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        return result >= 0
    }

    /// Appends the frames nghttp2 has ready to `buffer`, stopping once `buffer` holds `limit`
    /// bytes; bodies are asked of `delegate`. Throws on a fatal error, or the connection-level
    /// ``failure`` recorded earlier: the connection must then close.
    func send(into buffer: inout ByteBuffer, limit: Int, delegate: any NGHTTP2SessionDelegate) throws(NGHTTP2Error) {
        if let failure { throw failure }
        let previous = self.delegate
        self.delegate = delegate
        defer { self.delegate = previous }
        while buffer.readableBytes < limit {
            var pointer: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &pointer)
            if count < 0 { throw NGHTTP2Error(operation: "nghttp2_session_mem_send", code: Int32(clamping: count)) }
            guard count > 0, let pointer else { return }
            buffer.writeBytes(UnsafeRawBufferPointer(start: pointer, count: count))
        }
    }

    /// Whether the session still wants to read or write: false once both sides are done
    /// (after GOAWAY and with no stream open).
    var isAlive: Bool {
        nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0
    }

    /// Whether nghttp2 has frames queued to send.
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// Keeps the first failure of a connection-level call for the next `send` to throw.
    func record(_ result: Int32, _ operation: String) {
        guard result < 0, failure == nil else { return }
        failure = NGHTTP2Error(operation: operation, code: result)
    }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    var peerMaxConcurrentStreams: UInt32 {
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
    }

    /// The peer's SETTINGS_MAX_HEADER_LIST_SIZE (`UInt32.max` until it says otherwise).
    var peerMaxHeaderListSize: UInt32 {
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE)
    }

    /// Flow-controlled bytes the peer lets us send on `streamID` now: the smaller of the stream's
    /// and the connection's windows (0 or less when either is closed; -1 for an unknown stream).
    func sendWindow(streamID: Int32) -> Int {
        let stream = Int(nghttp2_session_get_stream_remote_window_size(session, streamID))
        return min(stream, Int(nghttp2_session_get_remote_window_size(session)))
    }

    /// The session whose user data nghttp2 passes to a callback.
    static func from(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session? {
        guard let userData else { return nil }
        return Unmanaged<NGHTTP2Session>.fromOpaque(userData).takeUnretainedValue()
    }
}
