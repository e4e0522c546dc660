import Foundation

/// One row a ``SQLConnection`` query returned, read by column position with typed accessors
/// that throw ``StoredValueError`` when a column does not hold the kind asked for (a damaged or
/// foreign row becomes INTERNAL, never a crash).
public struct SQLRow: Sendable, Hashable {
    /// The values, in the order the query selected them.
    public var values: [SQLValue]

    /// A row of `values`.
    public init(_ values: [SQLValue]) {
        self.values = values
    }

    /// The value in column `index` (NULL past the last column is an error).
    public func value(_ index: Int) throws(StoredValueError) -> SQLValue {
        guard values.indices.contains(index) else { throw StoredValueError(column: index, expected: "a column") }
        return values[index]
    }

    /// Whether column `index` is NULL.
    public func isNull(_ index: Int) throws(StoredValueError) -> Bool {
        try value(index) == .null
    }

    /// The integer in column `index`.
    public func int64(_ index: Int) throws(StoredValueError) -> Int64 {
        guard case .integer(let value) = try value(index) else {
            throw StoredValueError(column: index, expected: "an integer")
        }
        return value
    }

    /// The integer in column `index`, as an `Int`.
    public func int(_ index: Int) throws(StoredValueError) -> Int {
        Int(try int64(index))
    }

    /// The integer in column `index`, or nil when NULL.
    public func optionalInt64(_ index: Int) throws(StoredValueError) -> Int64? {
        try isNull(index) ? nil : try int64(index)
    }

    /// The 0 or 1 in column `index` as a boolean.
    public func bool(_ index: Int) throws(StoredValueError) -> Bool {
        try int64(index) != 0
    }

    /// The number in column `index` (an integer is widened).
    public func double(_ index: Int) throws(StoredValueError) -> Double {
        switch try value(index) {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw StoredValueError(column: index, expected: "a number")
        }
    }

    /// The seconds since 1970 in column `index` as a date.
    public func date(_ index: Int) throws(StoredValueError) -> Date {
        Date(timeIntervalSince1970: try double(index))
    }

    /// The date in column `index`, or nil when NULL.
    public func optionalDate(_ index: Int) throws(StoredValueError) -> Date? {
        try isNull(index) ? nil : try date(index)
    }

    /// The text in column `index`.
    public func string(_ index: Int) throws(StoredValueError) -> String {
        guard case .text(let value) = try value(index) else {
            throw StoredValueError(column: index, expected: "text")
        }
        return value
    }

    /// The text in column `index`, or nil when NULL.
    public func optionalString(_ index: Int) throws(StoredValueError) -> String? {
        try isNull(index) ? nil : try string(index)
    }

    /// The bytes in column `index`.
    public func bytes(_ index: Int) throws(StoredValueError) -> [UInt8] {
        guard case .blob(let value) = try value(index) else {
            throw StoredValueError(column: index, expected: "bytes")
        }
        return value
    }
}
