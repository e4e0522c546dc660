import Storage
import SupportPolicy

/// The stored code of an enumeration (its raw value in an integer or text column) as the
/// enumeration again; a code the domain does not know is a damaged row: ``StoredValueError``.
enum StoredCode {
    /// The case of `type` stored as an integer in column `index` of `row`.
    static func integer<Value: RawRepresentable>(_ type: Value.Type, _ row: SQLRow, _ index: Int) throws -> Value
    where Value.RawValue == Int {
        guard let value = Value(rawValue: try row.int(index)) else {
            throw StoredValueError(column: index, expected: "a known \(Value.self)")
        }
        return value
    }

    /// The case of `type` stored as an integer in column `index` of `row`, or nil when NULL.
    static func optionalInteger<Value: RawRepresentable>(_ type: Value.Type, _ row: SQLRow, _ index: Int) throws
        -> Value? where Value.RawValue == Int
    {
        try row.isNull(index) ? nil : try integer(type, row, index)
    }

    /// The actor stored as subject and role in columns `index` and `index + 1` of `row`.
    static func actor(_ row: SQLRow, _ index: Int) throws -> Actor {
        guard let role = Actor.Role(rawValue: try row.string(index + 1)) else {
            throw StoredValueError(column: index + 1, expected: "a known role")
        }
        return Actor(subject: try row.string(index), role: role)
    }

    /// The policy rule stored as id, version and text in columns `index`...`index + 2`, or nil
    /// when the id is NULL.
    static func rule(_ row: SQLRow, _ index: Int) throws -> PolicyRule? {
        guard let id = try row.optionalString(index) else { return nil }
        return PolicyRule(id: id, text: try row.string(index + 2), version: try row.string(index + 1))
    }
}
