/// The six wire types of the protobuf binary format (the low three bits of every tag).
///
/// Wire types 6 and 7 do not exist; a tag carrying them is rejected by ``WireReader``.
public enum WireType: UInt8, Sendable, Hashable {
    /// int32, int64, uint32, uint64, sint32, sint64, bool, enum.
    case varint = 0
    /// fixed64, sfixed64, double.
    case fixed64 = 1
    /// string, bytes, embedded messages, packed repeated fields, map entries.
    case lengthDelimited = 2
    /// Start of a proto2 group (only ever kept as an unknown field).
    case startGroup = 3
    /// End of a proto2 group.
    case endGroup = 4
    /// fixed32, sfixed32, float.
    case fixed32 = 5
}
