import Runtime

/// The person a request comes from, as their verified token proves, and that token: every RPC a
/// page makes carries it, so the console can show or change only what the person may.
public struct Viewer: Sendable {
    /// Who they are and in which role.
    public let identity: Identity
    /// Their bearer token.
    public let token: String
    /// When the token expires (seconds since 1970), if known.
    public let expiresAt: Double?

    /// A viewer proved by `token`.
    public init(identity: Identity, token: String, expiresAt: Double? = nil) {
        self.identity = identity
        self.token = token
        self.expiresAt = expiresAt
    }

    /// Whether they act as support staff (agents and auditors): the console's pages are theirs.
    public var isStaff: Bool { identity.role == .agent || identity.role == .auditor }

    /// The CSRF token their forms carry.
    public var csrfToken: String { CSRFToken.token(for: token) }
}
