import Foundation

/// A Swift value that can be bound to a `?` placeholder of a ``SQLConnection`` statement.
public protocol SQLBindable {
    /// The value as bound.
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    /// Itself.
    public var sqlValue: SQLValue { self }
}

extension Int: SQLBindable {
    /// As a 64-bit integer.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    /// As itself.
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int32: SQLBindable {
    /// As a 64-bit integer.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Bool: SQLBindable {
    /// As 1 or 0.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Double: SQLBindable {
    /// As a double.
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    /// As text.
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    /// As bytes.
    public var sqlValue: SQLValue { .blob(self) }
}

extension Data: SQLBindable {
    /// As bytes.
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
}

extension Date: SQLBindable {
    /// As seconds since 1970 (a double).
    public var sqlValue: SQLValue { .real(timeIntervalSince1970) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
