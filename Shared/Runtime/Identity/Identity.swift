/// Who is calling, established from a verified bearer token: the typed caller handlers see.
public struct Identity: Sendable, Hashable {
    /// The token's subject: a customer id, a staff id or a service name.
    public var subject: String
    /// The role the subject acts in.
    public var role: Role

    /// An identity of `subject` acting as `role`.
    public init(subject: String, role: Role) {
        self.subject = subject
        self.role = role
    }
}
