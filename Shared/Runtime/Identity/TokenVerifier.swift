import Crypto
import Foundation

/// Verifies the platform's bearer tokens: compact JWTs signed with ES256 (ECDSA P-256, SHA-256)
/// by one of the keys of a ``TokenKeyRing``, chosen by the header's `kid`. The algorithm is pinned
/// (`none`, HS256 and the rest are refused before anything else is read), the signature is
/// checked before any claim is trusted, and `exp`, `nbf`, `iat` (required, not in the future),
/// the lifetime (`exp - iat`), `iss`, `aud`, the subject (printable ASCII), the role, the token's
/// size and what the signing key may sign for are all enforced. A verified token is kept
/// (``TokenVerifierCache``) until its `exp` plus the leeway, so a caller's next calls skip the
/// signature check; replacing the key ring empties that cache, and a refused token is never kept.
public struct TokenVerifier: Sendable {
    /// Tokens longer than this are refused unread.
    public static let maximumTokenSize = 4_096
    /// The default longest lifetime of a token, in seconds.
    public static let defaultMaximumLifetime = 3_600
    /// The default number of verified tokens kept (``TokenVerifierCache``).
    public static let defaultCacheCapacity = 1_024

    private let keys: KeyRingSource
    private let issuer: String
    private let audience: String
    private let leeway: Double
    private let maximumLifetime: Int
    private let now: @Sendable () -> Double
    /// The tokens already verified (shared by copies of this verifier).
    let cache: TokenVerifierCache

    /// A verifier accepting tokens signed by the keys of `ring`, issued by `issuer` for
    /// `audience`, valid for at most `maximumLifetime` seconds, allowing `leeway` seconds of clock
    /// skew.
    public init(
        ring: TokenKeyRing, issuer: String, audience: String, maximumLifetime: Int = defaultMaximumLifetime,
        leeway: Double = 30, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.init(
            keys: KeyRingSource(ring), issuer: issuer, audience: audience, maximumLifetime: maximumLifetime,
            leeway: leeway, now: now)
    }

    /// A verifier reading its keys from `keys` on every call (so a reloaded ring applies at once),
    /// keeping at most `cacheCapacity` verified tokens.
    public init(
        keys: KeyRingSource, issuer: String, audience: String, maximumLifetime: Int = defaultMaximumLifetime,
        leeway: Double = 30, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        cacheCapacity: Int = defaultCacheCapacity
    ) {
        self.cache = TokenVerifierCache(capacity: cacheCapacity)
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.maximumLifetime = maximumLifetime
        self.now = now
    }

    /// A verifier trusting one unrestricted key (tests and single-key setups).
    public init(
        key: P256.Signing.PublicKey, issuer: String, audience: String, maximumLifetime: Int = defaultMaximumLifetime,
        leeway: Double = 30, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.init(
            ring: TokenKeyRing(keys: [TokenKey(publicKey: key)]), issuer: issuer, audience: audience,
            maximumLifetime: maximumLifetime, leeway: leeway, now: now)
    }

    /// The identity a token proves, or why it proves none.
    public func verify(_ token: String) throws(TokenError) -> Identity {
        guard token.utf8.count <= Self.maximumTokenSize else { throw .tooLarge(limit: Self.maximumTokenSize) }
        let (ring, generation) = keys.snapshot
        let current = now()
        if let known = cache.identity(for: token, generation: generation, now: current) { return known }
        let (identity, expiresAt) = try verify(token, ring: ring, at: current)
        // Kept as long as it verifies: until `exp` plus the leeway. (Kept only until `exp`, a token
        // in the leeway was verified and stored again on every call, each store taking a slot of
        // the bounded cache: one such token's calls pushed every other caller's token out.)
        cache.store(identity, for: token, until: expiresAt + leeway, generation: generation)
        return identity
    }

    /// The identity `token` proves against `ring` at `current`, and the token's `exp`.
    private func verify(_ token: String, ring: TokenKeyRing, at current: Double) throws(TokenError) -> (
        Identity, Double
    ) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // The signature in its one canonical encoding: its last character's 4 unused bits at 0, so
        // that a token cannot be rewritten into 15 other strings that verify (and are cached) alike.
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
            let signature = Base64URL.decode(parts[2]), parts[2] == Base64URL.encode(signature)
        else { throw .malformed }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else { throw .malformed }
        guard header.alg == "ES256" else { throw .algorithmNotAllowed(header.alg) }
        guard let trusted = ring.key(id: header.kid) else { throw .unknownKey }

        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            let key = trusted.publicKey, key.isValidSignature(ecdsa, for: signed)
        else { throw .badSignature }

        guard let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(payload))
        else { throw .malformed }
        guard claims.exp.isFinite, claims.exp > current - leeway else { throw .expired }
        if let notBefore = claims.nbf, !(notBefore <= current + leeway) { throw .notYetValid }
        guard let issuedAt = claims.iat, issuedAt.isFinite else { throw .issuedAtMissing }
        guard issuedAt <= current + leeway else { throw .issuedInTheFuture }
        guard claims.exp - issuedAt <= Double(maximumLifetime) else { throw .lifetimeTooLong(limit: maximumLifetime) }
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud.contains(audience) else { throw .wrongAudience }
        guard Self.isSubject(claims.sub), let role = Role(rawValue: claims.role) else { throw .invalidClaims }
        // A service is named in lower-case ASCII, so no look-alike ("Orders", "orders ", a
        // full-width letter) can stand beside a real service's name in the audit log.
        guard role != .service || Self.isServiceName(claims.sub) else { throw .invalidClaims }
        guard ring.allows(trusted, subject: claims.sub, role: role) else { throw .keyNotAllowed(keyID: trusted.keyID) }
        return (Identity(subject: claims.sub, role: role), claims.exp)
    }

    /// Whether `subject` may name a caller: 1 to 128 printable ASCII characters, as every id the
    /// services store (Orders' `Order.checkID`). Subjects are compared with stored ids and
    /// with each other as Swift strings, which are equal under canonical equivalence: a subject
    /// "cust-\u{212A}" (KELVIN SIGN) equalled the customer "cust-K" and was shown that customer's
    /// orders, while the database, comparing bytes, kept them apart (an outside review's finding).
    static func isSubject(_ subject: String) -> Bool {
        (1...128).contains(subject.utf8.count) && subject.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// Whether `name` is a service name: 1 to 64 of `a-z`, `0-9` and `-`, starting with a letter.
    static func isServiceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let letters = UInt8(ascii: "a")...UInt8(ascii: "z")
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard let first = bytes.first, letters.contains(first), bytes.count <= 64 else { return false }
        return bytes.allSatisfy { letters.contains($0) || digits.contains($0) || $0 == UInt8(ascii: "-") }
    }

    private struct Header: Decodable {
        var alg: String
        var kid: String?
    }
}
