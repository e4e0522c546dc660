import Crypto
import Foundation

/// One public key a verifier trusts, with its key id (`kid`) and, optionally, the subjects and
/// roles it may sign tokens for. A service's key is restricted to `service` tokens naming that
/// service; the identity provider's key to the roles it issues. A key restricted to subjects also
/// reserves them: no other key may sign a token naming one of them in one of its roles.
public struct TokenKey: Sendable, Hashable {
    /// The key id tokens name in their header.
    public var keyID: String
    /// The key's raw representation: swift-crypto's key types are not Sendable on Linux.
    var publicKeyBytes: Data
    /// The subjects this key may sign for; nil: any subject.
    public var subjects: Set<String>?
    /// The roles this key may sign for; nil: any role.
    public var roles: Set<Role>?

    /// A trusted key; `keyID` defaults to the key's RFC 7638 thumbprint.
    public init(
        publicKey: P256.Signing.PublicKey, keyID: String? = nil, subjects: Set<String>? = nil, roles: Set<Role>? = nil
    ) {
        self.keyID = keyID ?? TokenKey.thumbprint(of: publicKey)
        self.publicKeyBytes = publicKey.rawRepresentation
        self.subjects = subjects
        self.roles = roles
    }

    /// The public key.
    public var publicKey: P256.Signing.PublicKey? {
        try? P256.Signing.PublicKey(rawRepresentation: publicKeyBytes)
    }

    /// Whether this key may sign a token for `subject` acting as `role`.
    public func mayAuthorize(subject: String, role: Role) -> Bool {
        (subjects?.contains(subject) ?? true) && (roles?.contains(role) ?? true)
    }

    /// Whether this key pins `subject` in `role` to itself (and the other keys pinning it).
    public func reserves(subject: String, role: Role) -> Bool {
        guard let subjects else { return false }
        return subjects.contains(subject) && (roles?.contains(role) ?? true)
    }

    /// The RFC 7638 JWK thumbprint of `key` (base64url SHA-256 of its canonical JWK): the
    /// default key id, so a key's id follows from the key itself.
    public static func thumbprint(of key: P256.Signing.PublicKey) -> String {
        let (x, y) = coordinates(of: key)
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(Array(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// The key's x and y coordinates, base64url, as a JWK carries them.
    static func coordinates(of key: P256.Signing.PublicKey) -> (x: String, y: String) {
        let raw = Array(key.rawRepresentation)
        return (Base64URL.encode(Array(raw[0..<32])), Base64URL.encode(Array(raw[32..<64])))
    }
}
