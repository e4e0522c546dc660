/// Units of one order line being returned.
public struct ReturnLine: Sendable, Hashable, Codable {
    /// The order line.
    public var lineNumber: Int
    /// How many units.
    public var quantity: Int

    /// A return line.
    public init(lineNumber: Int, quantity: Int) {
        self.lineNumber = lineNumber
        self.quantity = quantity
    }
}
