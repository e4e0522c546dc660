/// Writes protobuf fields into memory that the caller has sized exactly beforehand.
///
/// Encoding is two passes: a message computes its exact ``WireMessage/serializedSize()``, the
/// caller allocates that many bytes once, and ``WireMessage/encode(to:)`` fills them front to back
/// with this writer. The writer never grows or checks bounds itself: the size pass is the contract.
public struct WireWriter {
    @usableFromInline
    var pointer: UnsafeMutableRawPointer

    /// Starts writing at `start`, which must have room for the whole message.
    @inlinable
    public init(start: UnsafeMutableRawPointer) {
        self.pointer = start
    }

    /// Where the next byte goes; the distance from the start is the number of bytes written.
    @inlinable
    public var position: UnsafeMutableRawPointer { pointer }

    /// Writes one byte.
    @inlinable
    public mutating func writeByte(_ byte: UInt8) {
        pointer.storeBytes(of: byte, as: UInt8.self)
        pointer += 1
    }

    /// Writes a base-128 varint.
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, as: UInt8.self)
            pointer += 1
            value &>>= 7
        }
        pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        pointer += 1
    }

    /// Writes a 32-bit varint.
    @inlinable
    public mutating func writeVarint(_ value: UInt32) {
        var value = value
        while value >= 0x80 {
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, as: UInt8.self)
            pointer += 1
            value &>>= 7
        }
        pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        pointer += 1
    }

    /// Writes a field key; generated code passes the precomputed `fieldNumber << 3 | wireType`.
    @inlinable
    public mutating func writeTag(_ rawTag: UInt32) {
        writeVarint(rawTag)
    }

    /// Writes an `int32` or enum value (negative values sign-extend to ten bytes).
    @inlinable
    public mutating func writeInt32(_ value: Int32) {
        writeVarint(UInt64(bitPattern: Int64(value)))
    }

    /// Writes an `int64` value.
    @inlinable
    public mutating func writeInt64(_ value: Int64) {
        writeVarint(UInt64(bitPattern: value))
    }

    /// Writes a `sint32` value.
    @inlinable
    public mutating func writeSInt32(_ value: Int32) {
        writeVarint(ZigZag.encoded(value))
    }

    /// Writes a `sint64` value.
    @inlinable
    public mutating func writeSInt64(_ value: Int64) {
        writeVarint(ZigZag.encoded(value))
    }

    /// Writes a `bool` value.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        writeByte(value ? 1 : 0)
    }

    /// Writes four little-endian bytes (`fixed32`, `sfixed32`).
    @inlinable
    public mutating func writeFixed32(_ value: UInt32) {
        pointer.storeBytes(of: value.littleEndian, as: UInt32.self)
        pointer += 4
    }

    /// Writes eight little-endian bytes (`fixed64`, `sfixed64`).
    @inlinable
    public mutating func writeFixed64(_ value: UInt64) {
        pointer.storeBytes(of: value.littleEndian, as: UInt64.self)
        pointer += 8
    }

    /// Writes a `float` value.
    @inlinable
    public mutating func writeFloat(_ value: Float) {
        writeFixed32(value.bitPattern)
    }

    /// Writes a `double` value.
    @inlinable
    public mutating func writeDouble(_ value: Double) {
        writeFixed64(value.bitPattern)
    }

    /// Writes raw bytes with no prefix.
    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        pointer.copyMemory(from: base, byteCount: bytes.count)
        pointer += bytes.count
    }

    /// Writes raw bytes with no prefix.
    @inlinable
    public mutating func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeRaw($0) }
    }

    /// Writes a length-prefixed `bytes` value.
    @inlinable
    public mutating func writeBytes(_ bytes: [UInt8]) {
        writeVarint(UInt64(bytes.count))
        writeRaw(bytes)
    }

    /// Writes a length-prefixed UTF-8 `string` value.
    @inlinable
    public mutating func writeString(_ string: String) {
        let utf8 = string.utf8
        writeVarint(UInt64(utf8.count))
        let copied: Void? = utf8.withContiguousStorageIfAvailable { writeRaw(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in utf8 { writeByte(byte) }
        }
    }

    /// Writes a length-prefixed embedded message whose size the caller has just computed.
    @inlinable
    public mutating func writeMessage<Message: WireMessage>(_ message: Message) {
        writeVarint(UInt64(message.serializedSize()))
        message.encode(to: &self)
    }
}
