import ArgumentParser

/// The flags that say which bearer tokens a process accepts, shared by every service and the
/// console (`@OptionGroup`). Each falls back to the environment variable its help names; see
/// ``TokenSettings`` for the values they resolve to.
public struct TokenOptions: ParsableArguments {
    @Option(
        help:
            "JWKS file of the keys that verify bearer tokens, each with its kid and what it may sign for (SUPPORT_TOKEN_KEYS)."
    )
    var tokenKeys: String?

    @Option(
        help: "One PEM public key, trusted for every subject and role, that verifies tokens (SUPPORT_TOKEN_PUBLIC_KEY)."
    )
    var tokenPublicKey: String?

    @Option(help: "Expected token issuer (SUPPORT_TOKEN_ISSUER; default support-platform).")
    var tokenIssuer: String?

    @Option(help: "Expected token audience (SUPPORT_TOKEN_AUDIENCE; default support).")
    var tokenAudience: String?

    @Option(
        help:
            "Longest accepted token lifetime, exp - iat, in seconds; also the console's session (SUPPORT_TOKEN_MAX_LIFETIME; default 3600)."
    )
    var tokenMaxLifetime: Int?

    /// Flags as parsed; ``TokenSettings`` applies the environment fallbacks.
    public init() {}
}
