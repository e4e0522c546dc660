import CNGHTTP2

/// The C callbacks of every session. They capture nothing: each finds its session through
/// nghttp2's user data and reports to the delegate of the `receive` or `send` under way.
extension NGHTTP2Session {
    /// Installs the callbacks on an nghttp2 callbacks object.
    static func installCallbacks(on callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSent)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, onInvalidFrame)
    }

    /// The data provider of every stream with a body: bodies come from the delegate's
    /// ``NGHTTP2SessionDelegate/sessionReadData(streamID:into:)``.
    static let dataProvider = nghttp2_data_provider(
        source: nghttp2_data_source(ptr: nil), read_callback: onReadData)
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
