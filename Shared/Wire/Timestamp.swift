/// `google.protobuf.Timestamp`: a point in time as seconds and nanoseconds since the Unix epoch
/// (UTC), independent of any calendar or time zone.
public struct Timestamp: WireMessage, Comparable {
    /// The message's protobuf name.
    public static let protoMessageName = "google.protobuf.Timestamp"

    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Non-negative fraction of a second, 0 ... 999,999,999.
    public var nanos: Int32
    /// Fields the schema does not know.
    public var unknownFields = UnknownFields()

    /// The Unix epoch.
    public init() {
        self.seconds = 0
        self.nanos = 0
    }

    /// A timestamp from its two parts.
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Orders timestamps in time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }

    /// The encoded size.
    public func serializedSize() -> Int {
        var size = unknownFields.serializedSize
        if seconds != 0 { size += 1 + Varint.size(ofInt64: seconds) }
        if nanos != 0 { size += 1 + Varint.size(ofInt32: nanos) }
        return size
    }

    /// Writes the present fields.
    public func encode(to writer: inout WireWriter) {
        if seconds != 0 {
            writer.writeTag(8)
            writer.writeInt64(seconds)
        }
        if nanos != 0 {
            writer.writeTag(16)
            writer.writeInt32(nanos)
        }
        unknownFields.encode(to: &writer)
    }

    /// Merges fields from `reader`.
    public mutating func merge(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 8: seconds = try reader.readInt64()
            case 16: nanos = try reader.readInt32()
            default: try reader.skipField(tag, into: &unknownFields)
            }
        }
    }
}
