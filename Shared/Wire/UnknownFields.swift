/// Fields a message's schema does not know, kept as their raw bytes (tags included) in the order
/// they arrived and written back after the known fields, as protobuf's reference implementations do.
public struct UnknownFields: Sendable, Hashable {
    /// The raw bytes of every unknown field, concatenated.
    public var bytes: [UInt8]

    /// No unknown fields.
    @inlinable
    public init() {
        self.bytes = []
    }

    /// Whether no unknown field was kept.
    @inlinable
    public var isEmpty: Bool { bytes.isEmpty }

    /// Appends one field's raw bytes.
    @inlinable
    public mutating func append(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    /// The number of bytes they take when encoded.
    @inlinable
    public var serializedSize: Int { bytes.count }

    /// Writes them back unchanged.
    @inlinable
    public func encode(to writer: inout WireWriter) {
        if !bytes.isEmpty { writer.writeRaw(bytes) }
    }
}
