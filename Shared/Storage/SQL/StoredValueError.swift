import RPC

/// A stored row whose column does not hold what the store expects: the service's data is
/// damaged or was written by something else. INTERNAL, naming the column, never the data.
public struct StoredValueError: Error, RPCErrorConvertible, Hashable {
    /// The column's position in the query.
    public var column: Int
    /// What the store expected there.
    public var expected: String

    /// An error for column `column`, which should have held `expected`.
    public init(column: Int, expected: String) {
        self.column = column
        self.expected = expected
    }

    /// INTERNAL.
    public var rpcError: RPCError {
        RPCError(.internal, "the service's storage holds an unreadable row (column \(column) is not \(expected))")
    }
}
