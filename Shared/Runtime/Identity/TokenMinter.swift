import Crypto
import Foundation

/// Mints the platform's bearer tokens (ES256 JWTs), for local runs, demo data and tests. In
/// production the identity provider holds the private key; services only hold the public key.
public struct TokenMinter: Sendable {
    /// The key's raw representation: swift-crypto's key types are not Sendable on Linux.
    private let keyBytes: Data
    private let issuer: String
    private let audience: String

    /// A minter signing with `key` as `issuer` for `audience`.
    public init(key: P256.Signing.PrivateKey, issuer: String, audience: String) {
        self.keyBytes = key.rawRepresentation
        self.issuer = issuer
        self.audience = audience
    }

    /// A token for `subject` acting as `role`, valid from `notBefore` (default now) for
    /// `lifetime` seconds.
    public func mint(subject: String, role: Role, lifetime: Double = 3_600, notBefore: Double? = nil) throws -> String {
        let now = Date().timeIntervalSince1970
        let claims = TokenClaims(
            sub: subject, role: role.rawValue, iss: issuer, aud: .one(audience), exp: (notBefore ?? now) + lifetime,
            nbf: notBefore ?? now, iat: now)
        return try sign(header: #"{"alg":"ES256","typ":"JWT"}"#, claims: claims)
    }

    /// Signs arbitrary claims under an arbitrary header (tests use it to forge bad tokens).
    func sign(header: String, claims: TokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput =
            Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(try encoder.encode(claims)))
        let key = try P256.Signing.PrivateKey(rawRepresentation: keyBytes)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(Array(signature.rawRepresentation))
    }
}
