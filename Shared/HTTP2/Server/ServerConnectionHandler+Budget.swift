/// Request bytes buffered per stream, against the connection's budget and the server's
/// (``ConnectionLimits``).
extension ServerConnectionHandler {
    /// Reserves `count` bytes for `stream` if both budgets allow; returns whether they did.
    func reserve(_ count: Int, for stream: ServerStream) -> Bool {
        guard count > 0 else { return true }
        guard bufferedBytes <= configuration.limits.maximumBufferedBytesPerConnection - count,
            budget.reserve(count)
        else { return false }
        bufferedBytes += count
        stream.bufferedBytes += count
        return true
    }

    /// Returns up to `count` bytes `stream` reserved.
    func release(_ count: Int, for stream: ServerStream) {
        let released = min(max(0, count), stream.bufferedBytes)
        guard released > 0 else { return }
        stream.bufferedBytes -= released
        bufferedBytes -= released
        budget.release(released)
    }

    /// The stream's call has ended or is gone: drops what it buffered, returns its reservation and
    /// reports the request bytes held back for its handler consumed. That reopens the connection's
    /// window even once the stream has closed (a reset stream is no longer in `streams` here):
    /// otherwise the connection would lose that much window for good.
    func releaseBuffers(of stream: ServerStream) {
        release(stream.bufferedBytes, for: stream)
        stream.queuedSizes.removeAll()
        stream.deframer.reset()
        session.consume(streamID: stream.id, count: stream.heldBytes)
        stream.heldBytes = 0
    }
}
