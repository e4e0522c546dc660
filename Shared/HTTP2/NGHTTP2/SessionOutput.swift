import NIOCore

/// Moves what an nghttp2 session has ready to send onto the channel: one buffer per drain, one
/// write, and a flush only when asked, so that everything produced during one read leaves in a
/// single flush. Shared by the server and client connection handlers.
///
/// A class, not a struct: nghttp2 calls back into the handler while `drain` runs (a stream
/// closing schedules a flush), and a struct would be under exclusive access for that time.
final class SessionOutput {
    /// Whether a flush task is already queued on the event loop.
    var flushScheduled = false
    private var wroteSinceFlush = false

    /// Writes nghttp2's pending frames (while the channel is writable, so a slow peer stops
    /// nghttp2 from pulling more data) and flushes if `flush`. Returns false (and logs why) on a
    /// fatal session error or a failed connection-level call, after which the connection must
    /// close.
    func drain(
        _ session: NGHTTP2Session, delegate: any NGHTTP2SessionDelegate, to context: ChannelHandlerContext,
        flush: Bool
    ) -> Bool {
        // Most calls (each read, each completion) find nothing to send: allocate only when there is.
        // A connection-level failure recorded by the session is thrown by `send`.
        if context.channel.isWritable, session.wantsWrite || session.failure != nil {
            var buffer = context.channel.allocator.buffer(capacity: 16 * 1024)
            do {
                try session.send(into: &buffer, limit: 1 << 20, delegate: delegate)
            } catch {
                TransportLog.error("closing the connection: \(error)")
                return false
            }
            if buffer.readableBytes > 0 {
                context.write(NIOAny(buffer), promise: nil)
                wroteSinceFlush = true
            }
        }
        if flush, wroteSinceFlush {
            wroteSinceFlush = false
            context.flush()
        }
        return true
    }
}
