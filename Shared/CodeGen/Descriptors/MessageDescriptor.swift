import Wire

/// A message type (`google.protobuf.DescriptorProto`).
public struct MessageDescriptor: Sendable {
    /// The unqualified name.
    public var name = ""
    /// Its fields, in declaration order.
    public var fields: [FieldDescriptor] = []
    /// Messages declared inside it (map entries included).
    public var nestedMessages: [MessageDescriptor] = []
    /// Enums declared inside it.
    public var nestedEnums: [EnumDescriptor] = []
    /// Names of its oneofs, synthetic ones for proto3 `optional` included.
    public var oneofNames: [String] = []
    /// Whether protoc synthesised it as the entry type of a `map<K, V>` field.
    public var isMapEntry = false

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 18: fields.append(try reader.readDescriptor(FieldDescriptor.init(from:)))
            case 26: nestedMessages.append(try reader.readDescriptor(MessageDescriptor.init(from:)))
            case 34: nestedEnums.append(try reader.readDescriptor(EnumDescriptor.init(from:)))
            case 58: try reader.readEmbedded { (r: inout WireReader) throws(WireDecodingError) in try readOptions(&r) }
            case 66: oneofNames.append(try reader.readDescriptor(Self.readName))
            default: try reader.skipField(tag)
            }
        }
    }

    private mutating func readOptions(_ reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            if tag.rawValue == 56 { isMapEntry = try reader.readBool() } else { try reader.skipField(tag) }
        }
    }

    private static func readName(from reader: inout WireReader) throws(WireDecodingError) -> String {
        var name = ""
        while let tag = try reader.nextTag() {
            if tag.rawValue == 10 { name = try reader.readString() } else { try reader.skipField(tag) }
        }
        return name
    }
}
