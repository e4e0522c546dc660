import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string: `+` is a space
/// and `%XX` a byte of UTF-8. The first of repeated names wins; a malformed escape or invalid
/// UTF-8 leaves the field out; at most `maximumFields` are read.
public struct FormFields: Sendable, Equatable {
    /// The most fields read.
    public static let maximumFields = 64

    /// The fields by name.
    public private(set) var values: [String: String] = [:]

    /// The fields of `encoded` (nil: none).
    public init(_ encoded: String?) {
        guard let encoded else { return }
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maximumFields) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            guard let value, values[name] == nil else { continue }
            values[name] = value
        }
    }

    /// The field `name`, if present.
    public subscript(_ name: String) -> String? { values[name] }

    /// The field `name` with surrounding white space removed; nil when absent or blank.
    public func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// `text` percent-decoded, `+` read as a space; nil when malformed.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
