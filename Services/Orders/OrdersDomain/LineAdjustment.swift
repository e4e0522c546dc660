/// One change of an order line's quantity (0 removes the line).
public struct LineAdjustment: Sendable, Hashable {
    /// The line.
    public var lineNumber: Int
    /// The new quantity.
    public var quantity: Int

    /// A change of `lineNumber` to `quantity`.
    public init(lineNumber: Int, quantity: Int) {
        self.lineNumber = lineNumber
        self.quantity = quantity
    }
}
