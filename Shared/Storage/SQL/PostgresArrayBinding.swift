import NIOCore
import PostgresNIO

/// An ``SQLArray`` as PostgresNIO binds it: a one-dimensional array in PostgreSQL's binary
/// format (PostgresNIO's own arrays have no NULL elements; the stores' nullable columns need them).
struct PostgresArrayBinding: PostgresDynamicTypeEncodable {
    /// The array.
    let array: SQLArray

    /// The array's type (BIGINT[], DOUBLE PRECISION[], TEXT[] or BYTEA[]).
    var psqlType: PostgresDataType {
        switch array.element {
        case .integer: .int8Array
        case .real: .float8Array
        case .text: .textArray
        case .blob: .byteaArray
        }
    }

    /// Binary.
    var psqlFormat: PostgresFormat { .binary }

    /// The element type's OID.
    var elementType: PostgresDataType {
        switch array.element {
        case .integer: .int8
        case .real: .float8
        case .text: .text
        case .blob: .bytea
        }
    }

    /// Writes the header (dimensions, NULL flag, element type, length, lower bound), then each
    /// element as its length (-1 for NULL) and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        let values = array.values
        buffer.writeInteger(values.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(values.contains(.null) ? 1 : 0, as: Int32.self)
        buffer.writeInteger(elementType.rawValue)
        guard !values.isEmpty else { return }
        buffer.writeInteger(Int32(truncatingIfNeeded: values.count))
        buffer.writeInteger(1, as: Int32.self)
        for value in values {
            switch value {
            case .integer(let integer):
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(integer)
            case .real(let double):
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(double.bitPattern)
            case .text(let string):
                buffer.writeInteger(Int32(truncatingIfNeeded: string.utf8.count))
                buffer.writeString(string)
            case .blob(let bytes):
                buffer.writeInteger(Int32(truncatingIfNeeded: bytes.count))
                buffer.writeBytes(bytes)
            case .null, .array:
                // `.array` never: ``SQLArray`` admits only NULL and its own kind of element.
                buffer.writeInteger(-1, as: Int32.self)
            }
        }
    }
}
