import Crypto
import Foundation

/// Verifies the platform's bearer tokens: compact JWTs signed with ES256 (ECDSA P-256, SHA-256).
/// The algorithm is pinned (`none`, HS256 and the rest are refused before anything else is
/// read), the signature is checked before any claim is trusted, and `exp`, `nbf`, `iss`, `aud`,
/// the subject, the role and the token's size are all enforced.
public struct TokenVerifier: Sendable {
    /// Tokens longer than this are refused unread.
    public static let maximumTokenSize = 4_096

    /// The key's raw representation: swift-crypto's key types are not Sendable on Linux.
    private let keyBytes: Data
    private let issuer: String
    private let audience: String
    private let leeway: Double
    private let now: @Sendable () -> Double

    /// A verifier accepting tokens signed by `key`'s private key, issued by `issuer` for
    /// `audience`, allowing `leeway` seconds of clock skew.
    public init(
        key: P256.Signing.PublicKey, issuer: String, audience: String, leeway: Double = 30,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.keyBytes = key.rawRepresentation
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.now = now
    }

    /// The identity a token proves, or why it proves none.
    public func verify(_ token: String) throws(TokenError) -> Identity {
        guard token.utf8.count <= Self.maximumTokenSize else { throw .tooLarge(limit: Self.maximumTokenSize) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
            let signature = Base64URL.decode(parts[2])
        else { throw .malformed }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else { throw .malformed }
        guard header.alg == "ES256" else { throw .algorithmNotAllowed(header.alg) }

        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            let key = try? P256.Signing.PublicKey(rawRepresentation: keyBytes), key.isValidSignature(ecdsa, for: signed)
        else { throw .badSignature }

        guard let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(payload))
        else { throw .malformed }
        let current = now()
        guard claims.exp > current - leeway else { throw .expired }
        if let notBefore = claims.nbf, notBefore > current + leeway { throw .notYetValid }
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud.contains(audience) else { throw .wrongAudience }
        guard !claims.sub.isEmpty, let role = Role(rawValue: claims.role) else { throw .invalidClaims }
        return Identity(subject: claims.sub, role: role)
    }

    private struct Header: Decodable {
        var alg: String
    }
}
