import NIOCore

/// The framed messages one side of a stream has written but nghttp2 has not yet taken, and the
/// writers waiting for room. Writers wait above ``highWatermark`` until nghttp2 drains the buffer
/// below ``lowWatermark``: that is how HTTP/2 flow control reaches the code producing messages.
/// Used by both ``ServerStream`` and ``ClientStream``; confined to the connection's event loop.
struct OutboundBuffer {
    static let highWatermark = 256 * 1024
    static let lowWatermark = 64 * 1024

    private var bytes: ByteBuffer
    private var waitingWriters: [CheckedContinuation<Void, any Error>] = []

    init(allocator: ByteBufferAllocator) {
        bytes = allocator.buffer(capacity: 0)
    }

    /// Whether nothing is waiting to be sent.
    var isEmpty: Bool { bytes.readableBytes == 0 }

    /// Appends one framed message.
    mutating func append(_ framed: inout ByteBuffer) {
        bytes.writeBuffer(&framed)
    }

    /// Lets `writer` go on at once, or holds it while the buffer is above the high watermark.
    mutating func admit(_ writer: CheckedContinuation<Void, any Error>) {
        if bytes.readableBytes > Self.highWatermark {
            waitingWriters.append(writer)
        } else {
            writer.resume()
        }
    }

    /// Moves up to `destination.count` bytes into `destination` (nghttp2's buffer) and returns
    /// how many; wakes the waiting writers once below the low watermark.
    mutating func take(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(destination.count, bytes.readableBytes)
        if count > 0, let base = destination.baseAddress {
            bytes.withUnsafeReadableBytes { readable in
                if let source = readable.baseAddress { base.copyMemory(from: source, byteCount: count) }
            }
            bytes.moveReaderIndex(forwardBy: count)
        }
        if bytes.readableBytes == 0 { bytes.clear() }
        if bytes.readableBytes < Self.lowWatermark, !waitingWriters.isEmpty { releaseWriters() }
        return count
    }

    /// Drops every byte not yet taken (the stream is gone or reset) and frees their memory.
    mutating func discard() {
        bytes = ByteBuffer()
    }

    /// Wakes every waiting writer, with an error if the stream can no longer send.
    mutating func releaseWriters(throwing error: (any Error)? = nil) {
        let writers = waitingWriters
        waitingWriters.removeAll()
        for writer in writers {
            if let error { writer.resume(throwing: error) } else { writer.resume() }
        }
    }
}
