/// Who is calling, as established by an authentication interceptor from the call's credentials.
/// The transport leaves it empty; the service runtime fills it.
public struct Caller: Sendable, Hashable {
    /// The subject: a customer id, a staff id or a service name.
    public var subject: String
    /// The role the subject acts in, such as `customer` or `agent`.
    public var role: String

    /// A caller with `subject` acting as `role`.
    public init(subject: String, role: String) {
        self.subject = subject
        self.role = role
    }
}
