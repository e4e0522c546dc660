import CNGHTTP2

/// The frames a session queues for the next ``NGHTTP2Session/send(into:limit:delegate:)``.
/// Calls about one stream throw an ``NGHTTP2Error``; a failed connection-level call is recorded
/// (``NGHTTP2Session/failure``) and fails the next `send`.
extension NGHTTP2Session {
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
}
