/// Why a ``ChildProcess`` did not do what a test waited for.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
