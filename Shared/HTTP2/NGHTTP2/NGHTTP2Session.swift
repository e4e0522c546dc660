import CNGHTTP2
import NIOCore

/// One nghttp2 session: the HTTP/2 protocol state machine of one connection, fed bytes with
/// ``receive(_:)`` and drained with ``send(into:limit:)`` (`nghttp2_session_mem_recv` and
/// `nghttp2_session_mem_send`). It owns the `nghttp2_session` and frees it; its C callbacks are
/// file-scope functions that find the session through nghttp2's user data and report to the
/// ``NGHTTP2SessionDelegate``. Confined to its connection's event loop.
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

    private let session: OpaquePointer
    /// The delegate of the `receive` or `send` call under way (nil outside them).
    fileprivate private(set) var delegate: (any NGHTTP2SessionDelegate)?
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
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSent)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, onInvalidFrame)

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

    // MARK: Submitting frames

    /// Queues response headers; `hasBody` attaches a data provider (the body comes from
    /// ``NGHTTP2SessionDelegate/sessionReadData(streamID:into:)``), otherwise the HEADERS frame
    /// ends the stream (a Trailers-Only response).
    func submitResponse(streamID: Int32, headers: HeaderList, hasBody: Bool) throws(NGHTTP2Error) {
        let result = Self.withNameValues(headers) { pointer, count in
            if hasBody {
                var provider = Self.dataProvider
                return nghttp2_submit_response(session, streamID, pointer, count, &provider)
            }
            return nghttp2_submit_response(session, streamID, pointer, count, nil)
        }
        try NGHTTP2Error.check(result, "nghttp2_submit_response")
    }

    /// Queues a request; returns the new stream's id.
    func submitRequest(headers: HeaderList) throws(NGHTTP2Error) -> Int32 {
        let id = Self.withNameValues(headers) { pointer, count in
            var provider = Self.dataProvider
            return nghttp2_submit_request(session, nil, pointer, count, &provider, nil)
        }
        try NGHTTP2Error.check(id, "nghttp2_submit_request")
        return id
    }

    /// Queues trailers, ending the stream.
    func submitTrailers(streamID: Int32, headers: HeaderList) throws(NGHTTP2Error) {
        let result = Self.withNameValues(headers) { pointer, count in
            nghttp2_submit_trailer(session, streamID, pointer, count)
        }
        try NGHTTP2Error.check(result, "nghttp2_submit_trailer")
    }

    /// Asks nghttp2 to call the data provider of `streamID` again. Returns false when there was
    /// nothing to resume (the provider was not deferred, or the stream is gone): harmless, the
    /// provider is called anyway or the stream's close was reported.
    @discardableResult
    func resumeData(streamID: Int32) -> Bool {
        let result = nghttp2_session_resume_data(session, streamID)
        if result == NGHTTP2_ERR_INVALID_ARGUMENT.rawValue { return false }
        record(result, "nghttp2_session_resume_data")
        return result == 0
    }

    /// Reports `count` received DATA bytes of `streamID` as consumed, opening the stream's and
    /// the connection's windows by that much (only the connection's once the stream is gone).
    func consume(streamID: Int32, count: Int) {
        guard count > 0 else { return }
        record(nghttp2_session_consume(session, streamID, count), "nghttp2_session_consume")
    }

    /// Queues RST_STREAM.
    func resetStream(_ streamID: Int32, errorCode: UInt32) {
        record(
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode),
            "nghttp2_submit_rst_stream")
    }

    /// Queues the first GOAWAY of a graceful shutdown: no stream id limit yet, only a notice.
    func submitShutdownNotice() {
        record(nghttp2_submit_shutdown_notice(session), "nghttp2_submit_shutdown_notice")
    }

    /// Queues a GOAWAY naming the last stream the server processed.
    func submitGoaway(errorCode: UInt32, debug: String = "") {
        let last = nghttp2_session_get_last_proc_stream_id(session)
        var bytes = Array(debug.utf8)
        record(
            nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, errorCode, &bytes, bytes.count),
            "nghttp2_submit_goaway")
    }

    /// Queues a PING carrying `payload`.
    func submitPing(payload: UInt64) {
        var data = payload.bigEndian
        let result = withUnsafeBytes(of: &data) { bytes in
            nghttp2_submit_ping(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
        record(result, "nghttp2_submit_ping")
    }

    /// Keeps the first failure of a connection-level call for the next `send` to throw.
    private func record(_ result: Int32, _ operation: String) {
        guard result < 0, failure == nil else { return }
        failure = NGHTTP2Error(operation: operation, code: result)
    }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    var peerMaxConcurrentStreams: UInt32 {
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
    }

    // MARK: Helpers

    private static let dataProvider = nghttp2_data_provider(
        source: nghttp2_data_source(ptr: nil), read_callback: onReadData)

    /// Calls `body` with nghttp2 name-value pairs for `headers`, laid out in one buffer.
    static func withNameValues<Result>(
        _ headers: HeaderList, _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        var storage: [UInt8] = []
        storage.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count })
        for header in headers {
            storage += header.name.utf8
            storage += header.value.utf8
        }
        return storage.withUnsafeMutableBufferPointer { buffer in
            var pairs: [nghttp2_nv] = []
            pairs.reserveCapacity(headers.count)
            var offset = 0
            for header in headers {
                let nameLength = header.name.utf8.count
                let valueLength = header.value.utf8.count
                let name = buffer.baseAddress.map { $0 + offset }
                let value = buffer.baseAddress.map { $0 + offset + nameLength }
                pairs.append(
                    nghttp2_nv(
                        name: name, value: value, namelen: nameLength, valuelen: valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                offset += nameLength + valueLength
            }
            return pairs.withUnsafeBufferPointer { pairBuffer in
                guard let base = pairBuffer.baseAddress else {
                    var empty = nghttp2_nv()
                    return body(&empty, 0)
                }
                return body(base, pairBuffer.count)
            }
        }
    }

    fileprivate static func from(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session? {
        guard let userData else { return nil }
        return Unmanaged<NGHTTP2Session>.fromOpaque(userData).takeUnretainedValue()
    }
}

// MARK: - C callbacks (capture nothing; find the session through user data)

private func onBeginHeaders(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = NGHTTP2Session.from(userData), frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue)
    else { return 0 }
    owner.delegate?.sessionBeginsHeaders(streamID: frame.pointee.hd.stream_id)
    return 0
}

private func onHeader(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ name: UnsafePointer<UInt8>?, _ nameLength: Int,
    _ value: UnsafePointer<UInt8>?, _ valueLength: Int, _ flags: UInt8, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = NGHTTP2Session.from(userData), let delegate = owner.delegate else { return 0 }
    let accepted = delegate.sessionReceivedHeader(
        streamID: frame.pointee.hd.stream_id, name: UnsafeBufferPointer(start: name, count: nameLength),
        value: UnsafeBufferPointer(start: value, count: valueLength))
    return accepted ? 0 : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
}

private func onFrameReceived(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = NGHTTP2Session.from(userData), let delegate = owner.delegate else { return 0 }
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(header.type) {
    case NGHTTP2_HEADERS.rawValue:
        let isTrailers = frame.pointee.headers.cat == NGHTTP2_HCAT_HEADERS
        delegate.sessionReceivedHeaders(streamID: header.stream_id, isTrailers: isTrailers, endStream: endStream)
    case NGHTTP2_DATA.rawValue where endStream:
        delegate.sessionReceivedEndOfStream(streamID: header.stream_id)
    default:
        break
    }
    delegate.sessionReceivedFrame(type: header.type, flags: header.flags, streamID: header.stream_id)
    return 0
}

private func onDataChunk(
    _ session: OpaquePointer?, _ flags: UInt8, _ streamID: Int32, _ data: UnsafePointer<UInt8>?, _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let owner = NGHTTP2Session.from(userData), let delegate = owner.delegate else { return 0 }
    delegate.sessionReceivedData(streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
    return 0
}

private func onStreamClose(
    _ session: OpaquePointer?, _ streamID: Int32, _ errorCode: UInt32, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    NGHTTP2Session.from(userData)?.delegate?.sessionClosedStream(streamID: streamID, errorCode: errorCode)
    return 0
}

private func onFrameSent(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = NGHTTP2Session.from(userData) else { return 0 }
    let header = frame.pointee.hd
    owner.delegate?.sessionSentFrame(type: header.type, flags: header.flags, streamID: header.stream_id)
    return 0
}

private func onInvalidFrame(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ errorCode: Int32,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = NGHTTP2Session.from(userData) else { return 0 }
    owner.delegate?.sessionReceivedInvalidFrame(streamID: frame.pointee.hd.stream_id)
    return 0
}

private func onReadData(
    _ session: OpaquePointer?, _ streamID: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int,
    _ dataFlags: UnsafeMutablePointer<UInt32>?, _ source: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let owner = NGHTTP2Session.from(userData), let delegate = owner.delegate, let dataFlags else {
        return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
    }
    switch delegate.sessionReadData(
        streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
    {
    case .data(let count):
        return count
    case .end(let count, let trailers):
        dataFlags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        if let trailers {
            dataFlags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
            do {
                try owner.submitTrailers(streamID: streamID, headers: trailers)
            } catch {
                // nghttp2 resets the stream with INTERNAL_ERROR; the session goes on.
                return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
            }
        }
        return count
    case .deferred:
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    }
}
