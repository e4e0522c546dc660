/// A field's descriptor type and how generated code sizes, writes and reads one value of it.
///
/// Expressions are returned as source text with `value` standing for the value at hand.
enum FieldType: Int32 {
    case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes, uint32
    case enumeration, sfixed32, sfixed64, sint32, sint64

    /// The protobuf wire type of one value.
    var wireType: UInt32 {
        switch self {
        case .double, .fixed64, .sfixed64: 1
        case .float, .fixed32, .sfixed32: 5
        case .string, .bytes, .message: 2
        case .group: 3
        default: 0
        }
    }

    /// Whether repeated values of this type are packed.
    var isPackable: Bool { wireType == 0 || wireType == 1 || wireType == 5 }

    /// The Swift type of a scalar value; messages and enums take their generated name instead.
    var scalarSwiftType: String {
        switch self {
        case .double: "Double"
        case .float: "Float"
        case .int64, .sint64, .sfixed64: "Int64"
        case .uint64, .fixed64: "UInt64"
        case .int32, .sint32, .sfixed32: "Int32"
        case .uint32, .fixed32: "UInt32"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "[UInt8]"
        case .group, .message, .enumeration: ""
        }
    }

    /// The proto3 default, as a Swift literal.
    func defaultValue(swiftType: String, enumZeroCase: String?) -> String {
        switch self {
        case .string: "\"\""
        case .bytes: "[]"
        case .bool: "false"
        case .enumeration: enumZeroCase.map { ".\($0)" } ?? "\(swiftType)(rawValue: 0)"
        case .message, .group: "\(swiftType)()"
        default: "0"
        }
    }

    /// An expression that is true when `value` differs from the proto3 default and so is sent.
    func isPresent(_ value: String) -> String {
        switch self {
        case .double, .float: "\(value).bitPattern != 0"
        case .bool: value
        case .string, .bytes: "!\(value).isEmpty"
        case .enumeration: "\(value).rawValue != 0"
        default: "\(value) != 0"
        }
    }

    /// A fixed payload size, for fixed-width types.
    var fixedSize: Int? {
        switch self {
        case .double, .fixed64, .sfixed64: 8
        case .float, .fixed32, .sfixed32: 4
        case .bool: 1
        default: nil
        }
    }

    /// The payload size of `value`, length prefix included for length-delimited types.
    func size(_ value: String) -> String {
        if let fixedSize { return String(fixedSize) }
        switch self {
        case .int32: return "Varint.size(ofInt32: \(value))"
        case .int64: return "Varint.size(ofInt64: \(value))"
        case .uint32, .uint64: return "Varint.size(of: \(value))"
        case .sint32, .sint64: return "Varint.size(of: ZigZag.encoded(\(value)))"
        case .enumeration: return "Varint.size(ofInt32: \(value).rawValue)"
        case .string: return "Varint.sizeWithLengthPrefix(\(value).utf8.count)"
        case .bytes: return "Varint.sizeWithLengthPrefix(\(value).count)"
        default: return "Varint.sizeWithLengthPrefix(\(value).serializedSize())"
        }
    }

    /// A statement writing `value`'s payload.
    func write(_ value: String) -> String {
        switch self {
        case .double: "writer.writeDouble(\(value))"
        case .float: "writer.writeFloat(\(value))"
        case .int64: "writer.writeInt64(\(value))"
        case .uint64, .uint32: "writer.writeVarint(\(value))"
        case .int32: "writer.writeInt32(\(value))"
        case .fixed64: "writer.writeFixed64(\(value))"
        case .fixed32: "writer.writeFixed32(\(value))"
        case .bool: "writer.writeBool(\(value))"
        case .string: "writer.writeString(\(value))"
        case .bytes: "writer.writeBytes(\(value))"
        case .enumeration: "writer.writeInt32(\(value).rawValue)"
        case .sfixed32: "writer.writeFixed32(UInt32(bitPattern: \(value)))"
        case .sfixed64: "writer.writeFixed64(UInt64(bitPattern: \(value)))"
        case .sint32: "writer.writeSInt32(\(value))"
        case .sint64: "writer.writeSInt64(\(value))"
        case .message, .group: "writer.writeMessage(\(value))"
        }
    }

    /// An expression reading one value.
    func read(swiftType: String) -> String {
        switch self {
        case .double: "try reader.readDouble()"
        case .float: "try reader.readFloat()"
        case .int64: "try reader.readInt64()"
        case .uint64: "try reader.readUInt64()"
        case .int32: "try reader.readInt32()"
        case .fixed64: "try reader.readFixed64()"
        case .fixed32: "try reader.readFixed32()"
        case .bool: "try reader.readBool()"
        case .string: "try reader.readString()"
        case .bytes: "try reader.readBytes()"
        case .uint32: "try reader.readUInt32()"
        case .enumeration: "try reader.readEnum(\(swiftType).self)"
        case .sfixed32: "try reader.readSFixed32()"
        case .sfixed64: "try reader.readSFixed64()"
        case .sint32: "try reader.readSInt32()"
        case .sint64: "try reader.readSInt64()"
        case .message, .group: "try reader.readMessage(\(swiftType).self)"
        }
    }

    /// A statement reading a packed run into `array`.
    func readPacked(into array: String, swiftType: String) -> String {
        switch self {
        case .int32: "try reader.readPackedVarints(into: &\(array)) { Int32(truncatingIfNeeded: $0) }"
        case .int64: "try reader.readPackedVarints(into: &\(array)) { Int64(bitPattern: $0) }"
        case .uint32: "try reader.readPackedVarints(into: &\(array)) { UInt32(truncatingIfNeeded: $0) }"
        case .uint64: "try reader.readPackedVarints(into: &\(array)) { $0 }"
        case .sint32: "try reader.readPackedVarints(into: &\(array)) { ZigZag.decoded(UInt32(truncatingIfNeeded: $0)) }"
        case .sint64: "try reader.readPackedVarints(into: &\(array)) { ZigZag.decoded($0) }"
        case .bool: "try reader.readPackedVarints(into: &\(array)) { $0 != 0 }"
        case .enumeration:
            "try reader.readPackedVarints(into: &\(array)) { \(swiftType)(rawValue: Int32(truncatingIfNeeded: $0)) }"
        case .fixed32: "try reader.readPackedFixed32(into: &\(array)) { $0 }"
        case .sfixed32: "try reader.readPackedFixed32(into: &\(array)) { Int32(bitPattern: $0) }"
        case .float: "try reader.readPackedFixed32(into: &\(array)) { Float(bitPattern: $0) }"
        case .fixed64: "try reader.readPackedFixed64(into: &\(array)) { $0 }"
        case .sfixed64: "try reader.readPackedFixed64(into: &\(array)) { Int64(bitPattern: $0) }"
        case .double: "try reader.readPackedFixed64(into: &\(array)) { Double(bitPattern: $0) }"
        default: "try reader.skipField(tag, into: &unknownFields)"
        }
    }

    /// How map keys of this type are ordered on encode, so that output is deterministic.
    var keyOrdering: String {
        switch self {
        case .string: "{ $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }"
        case .bool: "{ !$0.key && $1.key }"
        default: "{ $0.key < $1.key }"
        }
    }
}
