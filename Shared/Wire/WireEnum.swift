/// A generated proto3 enum: open, so values the schema does not name survive a round trip.
public protocol WireEnum: Sendable, Hashable {
    /// Maps any 32-bit value, named or not, to a case.
    init(rawValue: Int32)
    /// The value sent on the wire.
    var rawValue: Int32 { get }
}
