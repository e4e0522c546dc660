import NIOCore

/// Writes gRPC's length prefix (flag byte and four-byte big-endian length) before a message.
enum MessageFramer {
    /// `message` with its prefix, in one buffer.
    static func frame(_ message: [UInt8], compressed: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 5 + message.count)
        buffer.writeInteger(compressed ? 1 : 0, as: UInt8.self)
        buffer.writeInteger(UInt32(message.count), as: UInt32.self)
        buffer.writeBytes(message)
        return buffer
    }
}
