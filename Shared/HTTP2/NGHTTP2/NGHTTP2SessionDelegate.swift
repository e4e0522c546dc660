/// What an ``NGHTTP2Session`` reports while it parses input (`receive`) or produces output
/// (`send`). Calls are synchronous, on the connection's event loop, from inside nghttp2: they
/// may submit frames but must not call `receive` or `send`.
protocol NGHTTP2SessionDelegate: AnyObject {
    /// A HEADERS frame opening (or trailing) a stream begins.
    func sessionBeginsHeaders(streamID: Int32)
    /// One header field; returning false resets the stream.
    func sessionReceivedHeader(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
        -> Bool
    /// A complete header block; `endStream` when the peer sends nothing more on the stream.
    func sessionReceivedHeaders(streamID: Int32, isTrailers: Bool, endStream: Bool)
    /// Bytes of a DATA frame.
    func sessionReceivedData(streamID: Int32, bytes: UnsafeRawBufferPointer)
    /// A DATA frame with END_STREAM.
    func sessionReceivedEndOfStream(streamID: Int32)
    /// The stream closed; `errorCode` is non-zero after a reset.
    func sessionClosedStream(streamID: Int32, errorCode: UInt32)
    /// nghttp2 wants up to `buffer.count` bytes of the stream's body.
    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead
    /// A frame was received (after the stream callbacks above), for connection bookkeeping.
    func sessionReceivedFrame(type: UInt8, flags: UInt8, streamID: Int32)
    /// A frame was sent.
    func sessionSentFrame(type: UInt8, flags: UInt8, streamID: Int32)
    /// The peer sent a frame nghttp2 rejected.
    func sessionReceivedInvalidFrame(streamID: Int32)
}
