/// A field's key on the wire: `fieldNumber << 3 | wireType`.
///
/// Generated decoders switch on ``rawValue`` directly, so a field that arrives with an unexpected
/// wire type falls through to the unknown-field path instead of being misread.
public struct FieldTag: Sendable, Hashable {
    /// The largest field number protobuf allows (2^29 - 1).
    public static let maximumFieldNumber = 536_870_911

    /// The encoded key, as it appears in the varint on the wire.
    public let rawValue: UInt32

    /// Wraps an already validated key.
    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Builds the key for `fieldNumber` sent with `wireType`.
    @inlinable
    public init(fieldNumber: Int, wireType: WireType) {
        self.rawValue = UInt32(truncatingIfNeeded: fieldNumber) << 3 | UInt32(wireType.rawValue)
    }

    /// The field number (1 ... 2^29 - 1 once validated).
    @inlinable
    public var fieldNumber: Int { Int(rawValue >> 3) }

    /// The wire type; valid for every tag a ``WireReader`` returns.
    @inlinable
    public var wireType: WireType { WireType(rawValue: UInt8(rawValue & 7)) ?? .varint }
}
