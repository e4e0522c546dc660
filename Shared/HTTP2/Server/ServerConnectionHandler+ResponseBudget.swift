import CNGHTTP2
import NIOCore
import RPC

/// Response bytes written by handlers but not yet taken by nghttp2, per stream, against the
/// connection's budget and the server's (``ConnectionLimits/maximumResponseBytesPerConnection``,
/// ``ConnectionLimits/maximumResponseBytes``). A peer that reads nothing (a zero window) can make
/// the server hold only that much: a message over budget, or a response blocked on a zero window
/// for longer than ``ConnectionLimits/maximumBlockedSendTime``, resets its stream and releases
/// its bytes. Bytes come back as nghttp2 takes them and when the stream closes.
extension ServerConnectionHandler {
    static let responseBufferFull = "the server is holding too many unsent response bytes; read faster or retry later"

    /// Reserves `count` response bytes for `stream` if both budgets allow; returns whether they did.
    func reserveResponse(_ count: Int, for stream: ServerStream) -> Bool {
        guard count > 0 else { return true }
        guard responseBytes <= configuration.limits.maximumResponseBytesPerConnection - count,
            responseBudget.reserve(count)
        else { return false }
        responseBytes += count
        stream.responseBytes += count
        return true
    }

    /// Returns up to `count` response bytes `stream` reserved.
    func releaseResponse(_ count: Int, for stream: ServerStream) {
        let released = min(max(0, count), stream.responseBytes)
        guard released > 0 else { return }
        stream.responseBytes -= released
        responseBytes -= released
        responseBudget.release(released)
    }

    /// Drops the stream's unsent response bytes and returns their reservation.
    func discardResponse(of stream: ServerStream) {
        stream.outbound.discard()
        releaseResponse(stream.responseBytes, for: stream)
        stream.blockedSince = nil
    }

    /// Resets the stream with ENHANCE_YOUR_CALM (RESOURCE_EXHAUSTED to a gRPC client): its unsent
    /// bytes are released now and its waiting writers fail with `error`; its close then ends the
    /// handler. RST_STREAM is not flow-controlled, so it leaves even on a zero window.
    func reset(_ stream: ServerStream, holdingResponse error: RPCError) {
        TransportLog.error("stream \(stream.id) from \(peer): \(error.message); resetting the stream")
        stream.state.endResponseWithoutStatus()
        discardResponse(of: stream)
        stream.outbound.releaseWriters(throwing: error)
        session.resetStream(stream.id, errorCode: NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
        scheduleFlush()
    }

    /// Checks every half of ``ConnectionLimits/maximumBlockedSendTime`` for streams with bytes to
    /// send and no window to send them in.
    func startBlockedSendCheck(context: ChannelHandlerContext) {
        guard let limit = configuration.limits.maximumBlockedSendTime, blockedSendCheck == nil else { return }
        let interval = TimeAmount.nanoseconds(max(1_000_000, TimeAmount(limit).nanoseconds / 2))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        blockedSendCheck = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.resetBlockedStreams(now: loop.now, limit: TimeAmount(limit))
        }
    }

    /// Resets the streams seen waiting on a zero window, with bytes to send, for `limit` or more.
    func resetBlockedStreams(now: NIODeadline, limit: TimeAmount) {
        for stream in streams.values {
            guard !stream.outbound.isEmpty, session.sendWindow(streamID: stream.id) <= 0 else {
                stream.blockedSince = nil
                continue
            }
            guard let since = stream.blockedSince else {
                stream.blockedSince = now
                continue
            }
            if now - since >= limit {
                reset(stream, holdingResponse: RPCError(.resourceExhausted, Self.blockedTooLong))
            }
        }
    }

    static let blockedTooLong = "the response waited too long for the client to open its flow-control window"
}
