/// Which bearer tokens a process accepts: ``TokenOptions`` with their environment fallbacks and
/// defaults applied, range-checked.
public struct TokenSettings: Sendable, Equatable {
    /// The longest token lifetimes a service accepts: 60 seconds to a week.
    public static let lifetimes = 60...604_800

    /// JWKS file of the keys verifying tokens (`--token-keys`).
    public var keys: String?
    /// One PEM public key verifying tokens, trusted for every subject and role.
    public var publicKey: String?
    /// Expected token issuer.
    public var issuer: String
    /// Expected token audience.
    public var audience: String
    /// The longest token lifetime accepted, in seconds.
    public var maximumLifetime: Int

    /// Resolves `options`, filling absent flags from `environment`; the lifetime must lie in
    /// `lifetimes`.
    public init(
        options: TokenOptions, environment: [String: String], lifetimes: ClosedRange<Int> = TokenSettings.lifetimes
    ) throws(ConfigurationError) {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        keys = value(options.tokenKeys, "SUPPORT_TOKEN_KEYS")
        publicKey = value(options.tokenPublicKey, "SUPPORT_TOKEN_PUBLIC_KEY")
        issuer = value(options.tokenIssuer, "SUPPORT_TOKEN_ISSUER") ?? "support-platform"
        audience = value(options.tokenAudience, "SUPPORT_TOKEN_AUDIENCE") ?? "support"
        let text =
            value(options.tokenMaxLifetime.map(String.init), "SUPPORT_TOKEN_MAX_LIFETIME")
            ?? String(TokenVerifier.defaultMaximumLifetime)
        guard let lifetime = Int(text), lifetimes.contains(lifetime) else {
            throw ConfigurationError(
                setting: "--token-max-lifetime",
                problem:
                    "'\(text)' is not a number of seconds between \(lifetimes.lowerBound) and \(lifetimes.upperBound)")
        }
        maximumLifetime = lifetime
    }
}
