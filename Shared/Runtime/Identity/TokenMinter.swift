import Crypto
import Foundation

/// Mints the platform's bearer tokens (ES256 JWTs whose header names the signing key's `kid`). A
/// service mints its own `service` tokens with its own key; `supportctl` mints local tokens with
/// the local identity provider's key. In production the identity provider holds its private key
/// and each service only its own.
public struct TokenMinter: Sendable {
    /// The key's raw representation: swift-crypto's key types are not Sendable on Linux.
    private let keyBytes: Data
    /// The key id written in each token's header.
    public let keyID: String
    private let issuer: String
    private let audience: String

    /// A minter signing with `key` (named `keyID`, by default its RFC 7638 thumbprint) as `issuer`
    /// for `audience`.
    public init(key: P256.Signing.PrivateKey, keyID: String? = nil, issuer: String, audience: String) {
        self.keyBytes = key.rawRepresentation
        self.keyID = keyID ?? TokenKey.thumbprint(of: key.publicKey)
        self.issuer = issuer
        self.audience = audience
    }

    /// A token for `subject` acting as `role`, valid from `notBefore` (default now) for
    /// `lifetime` seconds. Its times are whole seconds, as JWT libraries commonly expect (RFC 7519
    /// allows fractions; some verifiers refuse them).
    public func mint(subject: String, role: Role, lifetime: Double = 3_600, notBefore: Double? = nil) throws -> String {
        let now = Date().timeIntervalSince1970.rounded(.down)
        let claims = TokenClaims(
            sub: subject, role: role.rawValue, iss: issuer, aud: .one(audience), exp: (notBefore ?? now) + lifetime,
            nbf: notBefore ?? now, iat: now)
        return try sign(claims: claims)
    }

    /// Signs `claims` under this minter's header.
    func sign(claims: TokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = try encoder.encode(["alg": "ES256", "kid": keyID, "typ": "JWT"])
        return try sign(header: String(decoding: header, as: UTF8.self), claims: claims)
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
