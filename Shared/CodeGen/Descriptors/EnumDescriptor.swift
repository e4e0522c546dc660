import Wire

/// An enum type (`google.protobuf.EnumDescriptorProto`).
public struct EnumDescriptor: Sendable {
    /// The unqualified name.
    public var name = ""
    /// Its values as (name, number), in declaration order.
    public var values: [(name: String, number: Int32)] = []

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 18: values.append(try reader.readDescriptor(Self.readValue))
            default: try reader.skipField(tag)
            }
        }
    }

    private static func readValue(from reader: inout WireReader) throws(WireDecodingError) -> (
        name: String, number: Int32
    ) {
        var value = (name: "", number: Int32(0))
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: value.name = try reader.readString()
            case 16: value.number = try reader.readInt32()
            default: try reader.skipField(tag)
            }
        }
        return value
    }
}
