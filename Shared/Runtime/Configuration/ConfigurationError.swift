/// A setting that is missing or invalid: the process stops at start with this one line.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The flag at fault, such as `--port`.
    public var setting: String
    /// What is wrong with it.
    public var problem: String

    /// An error about `setting`.
    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    /// `invalid setting --port: ...`.
    public var description: String { "invalid setting \(setting): \(problem)" }
}
