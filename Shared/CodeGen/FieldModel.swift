/// One field of a message as the generator sees it: its Swift name and type, its shape
/// (singular, optional, repeated, map or oneof member) and its tags.
struct FieldModel {
    /// How the field is stored in the generated struct.
    indirect enum Shape {
        /// A proto3 field with implicit presence (messages are `Optional`).
        case singular
        /// A proto3 `optional` field with explicit presence.
        case optional
        /// A repeated field; `packed` for scalars written as one length-delimited run.
        case repeated(packed: Bool)
        /// A `map<K, V>` field, with its entry's key and value fields.
        case map(key: FieldModel, value: FieldModel)
        /// A member of a real oneof, with the name of the oneof's property and its case name.
        case oneofMember(property: String, caseName: String)
    }

    var number: Int
    var type: FieldType
    /// The property name, escaped if it is a keyword.
    var swiftName: String
    /// The Swift type of one value.
    var swiftType: String
    var shape: Shape
    /// Whether a singular message field is boxed because its type contains the enclosing one.
    var isIndirect: Bool
    var defaultValue: String
    var comment: String?

    /// The tag of one value as written (packed fields use ``packedTag``).
    var tag: UInt32 { UInt32(number) << 3 | type.wireType }
    /// The tag of a packed run.
    var packedTag: UInt32 { UInt32(number) << 3 | 2 }
    /// The encoded size of ``tag``.
    var tagSize: Int { tag < 1 << 7 ? 1 : tag < 1 << 14 ? 2 : tag < 1 << 21 ? 3 : tag < 1 << 28 ? 4 : 5 }
    /// Whether one value is an embedded message.
    var isMessage: Bool { type == .message }

    /// The declared type of the property.
    var propertyType: String {
        switch shape {
        case .singular: isMessage ? swiftType + "?" : swiftType
        case .optional: swiftType + "?"
        case .repeated: "[\(swiftType)]"
        case .map(let key, let value): "[\(key.swiftType): \(value.swiftType)]"
        case .oneofMember: swiftType
        }
    }

    /// The property's initial value.
    var initialValue: String {
        switch shape {
        case .singular: isMessage ? "nil" : defaultValue
        case .optional, .oneofMember: "nil"
        case .repeated: "[]"
        case .map: "[:]"
        }
    }
}
