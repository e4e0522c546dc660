/// A database URL that cannot be used, and why (never containing the password).
public struct DatabaseURLError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, completing "the database URL ...".
    public var problem: String

    /// An error saying the URL `problem`.
    public init(_ problem: String) {
        self.problem = problem
    }

    /// "the database URL" and the problem.
    public var description: String { "the database URL \(problem)" }
}
