/// Why a bearer token was not accepted. Every case is answered UNAUTHENTICATED, with this
/// description as the message.
public enum TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call carries no `authorization: Bearer ...` metadata.
    case missing
    /// The token is longer than the limit.
    case tooLarge(limit: Int)
    /// The token is not three base64url parts of valid JSON.
    case malformed
    /// The header names an algorithm other than ES256 (including `none`).
    case algorithmNotAllowed(String)
    /// The header names a key id (`kid`) the key ring does not hold (or names none while the ring
    /// holds several keys).
    case unknownKey
    /// The signature does not verify with the configured key.
    case badSignature
    /// The key that signed the token may not sign for its subject and role.
    case keyNotAllowed(keyID: String)
    /// The token has no `iat` (issued at).
    case issuedAtMissing
    /// The token's `iat` lies in the future.
    case issuedInTheFuture
    /// The token is valid for longer than the limit (`exp - iat`).
    case lifetimeTooLong(limit: Int)
    /// The token has expired.
    case expired
    /// The token is not valid yet.
    case notYetValid
    /// The issuer is not the expected one.
    case wrongIssuer
    /// The token is not meant for this audience.
    case wrongAudience
    /// The subject is empty (or, for a service, not a lower-case service name) or the role is not
    /// one of the four.
    case invalidClaims

    /// A message for the caller.
    public var description: String {
        switch self {
        case .missing: "the call carries no bearer token"
        case .tooLarge(let limit): "the bearer token is longer than \(limit) bytes"
        case .malformed: "the bearer token is not a well-formed JWT"
        case .algorithmNotAllowed(let algorithm): "tokens signed with '\(algorithm)' are not accepted; use ES256"
        case .unknownKey: "the bearer token names no key this service trusts (kid)"
        case .badSignature: "the bearer token's signature does not verify"
        case .keyNotAllowed(let keyID): "the key '\(keyID)' may not sign tokens for this subject and role"
        case .issuedAtMissing: "the bearer token has no issued-at time (iat)"
        case .issuedInTheFuture: "the bearer token was issued in the future (iat)"
        case .lifetimeTooLong(let limit): "the bearer token is valid for longer than \(limit) seconds (exp - iat)"
        case .expired: "the bearer token has expired"
        case .notYetValid: "the bearer token is not valid yet"
        case .wrongIssuer: "the bearer token was issued by someone else"
        case .wrongAudience: "the bearer token is meant for another audience"
        case .invalidClaims: "the bearer token lacks a subject or a valid role"
        }
    }
}
