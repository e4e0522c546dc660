/// Why the generator cannot turn a set of `.proto` files into Swift; reported back to protoc.
public struct GeneratorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file, type or option involved.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
