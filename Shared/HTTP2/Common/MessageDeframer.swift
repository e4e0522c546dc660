import NIOCore

/// Splits the DATA of a gRPC stream into length-prefixed messages: a compressed flag byte, a
/// four-byte big-endian length, then the message. A message over the receive limit is refused
/// as soon as its prefix is seen, before any of it is buffered beyond what already arrived.
struct MessageDeframer {
    /// Why the DATA of a stream is not a valid sequence of gRPC messages.
    enum Failure: Error, Equatable {
        /// The prefix announces a message longer than the limit.
        case messageTooLarge(length: Int, limit: Int)
        /// The flag byte is neither 0 nor 1.
        case invalidCompressionFlag(UInt8)
    }

    /// One message as it arrived.
    struct Message: Equatable {
        /// Whether the message is compressed with the stream's `grpc-encoding`.
        var compressed: Bool
        /// The message bytes (still compressed if `compressed`).
        var bytes: [UInt8]
    }

    private(set) var maximumMessageSize: Int
    private var buffer: ByteBuffer

    init(maximumMessageSize: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.maximumMessageSize = maximumMessageSize
        self.buffer = allocator.buffer(capacity: 0)
    }

    /// Lowers the largest message accepted to `size` (never raises it).
    mutating func limit(to size: Int) {
        maximumMessageSize = min(maximumMessageSize, max(0, size))
    }

    /// Whether bytes of an incomplete message are buffered.
    var hasPartialMessage: Bool { buffer.readableBytes > 0 }

    /// Drops every buffered byte: the stream's call has ended.
    mutating func reset() {
        buffer = ByteBuffer()
    }

    /// Adds received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.writeBytes(bytes)
    }

    /// The next complete message, or `nil` until more bytes arrive.
    mutating func next() throws(Failure) -> Message? {
        guard buffer.readableBytes >= 5,
            let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        guard flag <= 1 else { throw .invalidCompressionFlag(flag) }
        guard length <= maximumMessageSize else {
            throw .messageTooLarge(length: Int(length), limit: maximumMessageSize)
        }
        guard buffer.readableBytes >= 5 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        let bytes = buffer.readBytes(length: Int(length)) ?? []
        if buffer.readableBytes == 0, buffer.capacity > 65_536 {
            // The large message now lives in its own array: do not hold its buffer twice.
            buffer = ByteBuffer()
        } else if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 65_536 {
            buffer.discardReadBytes()
        }
        return Message(compressed: flag == 1, bytes: bytes)
    }
}
