/// A shared, immutable box that lets a message hold a field of its own type (directly or through
/// other messages); the generator uses it only for such recursive fields.
public final class Indirect<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The boxed value.
    public let value: Value

    /// Boxes `value`.
    @inlinable
    public init(_ value: Value) {
        self.value = value
    }

    /// Boxes compare by their contents.
    public static func == (lhs: Indirect, rhs: Indirect) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }

    /// Hashes the contents.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}
