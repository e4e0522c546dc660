/// Why a byte sequence is not a valid protobuf message.
///
/// Every failure of ``WireReader`` is one of these; decoding never traps.
public enum WireDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ends in the middle of a tag, a value or a length-delimited payload.
    case truncated
    /// A varint runs past ten bytes.
    case malformedVarint
    /// A tag names field number 0 or one above 2^29 - 1.
    case invalidFieldNumber
    /// A tag carries wire type 6 or 7, which do not exist.
    case invalidWireType(UInt8)
    /// A length prefix points past the end of the enclosing message.
    case lengthPastEnd
    /// Messages are nested more deeply than ``WireReader/maximumDepth``.
    case depthLimitExceeded
    /// A `string` field is not valid UTF-8.
    case invalidUTF8
    /// A `string` field (its field number given) holds U+0000, refused where the reader refuses NUL.
    case nulInString(field: Int)
    /// A group is not closed by its own end-group tag, or an end-group tag has no group.
    case malformedGroup
    /// A packed fixed-width field's length is not a multiple of its element size.
    case malformedPackedField
    /// The message holds more field values, repeated elements and embedded messages than the
    /// decoder's budget (``WireReader/elementLimit``, given here) allows.
    case elementLimitExceeded(Int)

    /// A short explanation suitable for a gRPC status message.
    public var description: String {
        switch self {
        case .truncated: "message is truncated"
        case .malformedVarint: "varint is longer than 10 bytes"
        case .invalidFieldNumber: "field number is 0 or above 2^29-1"
        case .invalidWireType(let type): "wire type \(type) does not exist"
        case .lengthPastEnd: "length prefix points past the end of the message"
        case .depthLimitExceeded: "messages are nested more than \(WireReader.maximumDepth) deep"
        case .invalidUTF8: "string field is not valid UTF-8"
        case .nulInString(let field): "string field \(field) holds a NUL character (U+0000), which no text may hold"
        case .malformedGroup: "group is not terminated by its own end-group tag"
        case .malformedPackedField: "packed field length is not a multiple of its element size"
        case .elementLimitExceeded(let limit): "message holds more than \(limit) values"
        }
    }
}
