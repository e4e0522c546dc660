import Wire

/// A field of a message (`google.protobuf.FieldDescriptorProto`).
public struct FieldDescriptor: Sendable {
    /// The field's name as written in the `.proto` file (snake_case).
    public var name = ""
    /// The field number.
    public var number: Int32 = 0
    /// 1 optional (or singular), 2 required, 3 repeated.
    public var label: Int32 = 1
    /// The descriptor type number: 1 double ... 18 sint64 (see ``FieldType``).
    public var type: Int32 = 0
    /// For messages and enums, the fully qualified type name with a leading dot.
    public var typeName = ""
    /// The index of the oneof it belongs to, if any.
    public var oneofIndex: Int32?
    /// Whether it is a proto3 `optional` field (in a synthetic oneof of its own).
    public var isProto3Optional = false

    /// Whether the field is `repeated` (maps included).
    public var isRepeated: Bool { label == 3 }

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 24: number = try reader.readInt32()
            case 32: label = try reader.readInt32()
            case 40: type = try reader.readInt32()
            case 50: typeName = try reader.readString()
            case 72: oneofIndex = try reader.readInt32()
            case 136: isProto3Optional = try reader.readBool()
            default: try reader.skipField(tag)
            }
        }
    }
}
