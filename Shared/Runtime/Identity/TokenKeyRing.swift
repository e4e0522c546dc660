import Crypto
import Foundation

/// The keys a verifier trusts, by key id: several at once, so a signer can move to a new key while
/// tokens signed with the old one are still accepted, and the old key is then removed. Read from a
/// JWKS file (``init(jwks:)``) or made from keys (``init(keys:)``).
public struct TokenKeyRing: Sendable, Hashable {
    /// The keys, in the order given.
    public let keys: [TokenKey]

    /// A ring of `keys`; the later of two keys with one id is dropped.
    public init(keys: [TokenKey]) {
        var seen = Swift.Set<String>()
        self.keys = keys.filter { seen.insert($0.keyID).inserted }
    }

    /// The ring a JWKS document describes; throws a message naming the first key that is not an
    /// EC P-256 signing key or has an unknown role.
    public init(jwks: Data) throws(KeyRingError) {
        let document: JSONWebKey.Set
        do {
            document = try JSONDecoder().decode(JSONWebKey.Set.self, from: jwks)
        } catch {
            throw KeyRingError("not a JWKS document ({\"keys\": [...]})")
        }
        var keys: [TokenKey] = []
        for (index, jwk) in document.keys.enumerated() {
            let name = "key \(index)" + (jwk.kid.map { " ('\($0)')" } ?? "")
            guard jwk.kty == "EC", jwk.crv == "P-256", jwk.alg == nil || jwk.alg == "ES256",
                jwk.use == nil || jwk.use == "sig", let x = jwk.x.flatMap({ Base64URL.decode(Substring($0)) }),
                let y = jwk.y.flatMap({ Base64URL.decode(Substring($0)) }), x.count == 32, y.count == 32,
                let publicKey = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { throw KeyRingError("\(name) is not an EC P-256 ES256 signing key") }
            var roles: Swift.Set<Role>?
            if let names = jwk.roles {
                roles = []
                for roleName in names {
                    guard let role = Role(rawValue: roleName) else {
                        throw KeyRingError("\(name) names an unknown role '\(roleName)'")
                    }
                    roles?.insert(role)
                }
            }
            guard jwk.kid.map({ !$0.isEmpty && $0.utf8.count <= 256 }) ?? true else {
                throw KeyRingError("\(name) has an empty or overlong kid")
            }
            keys.append(
                TokenKey(publicKey: publicKey, keyID: jwk.kid, subjects: jwk.subjects.map(Swift.Set.init), roles: roles)
            )
        }
        guard !keys.isEmpty else { throw KeyRingError("the key set is empty") }
        self.init(keys: keys)
    }

    /// The key a token's header names; without a `kid`, the ring's only key (if it has just one).
    public func key(id: String?) -> TokenKey? {
        guard let id else { return keys.count == 1 ? keys.first : nil }
        return keys.first { $0.keyID == id }
    }

    /// Whether `key` may sign a token for `subject` as `role`: its own restrictions allow it, and
    /// no other key reserves that subject in that role.
    public func allows(_ key: TokenKey, subject: String, role: Role) -> Bool {
        guard key.mayAuthorize(subject: subject, role: role) else { return false }
        if key.reserves(subject: subject, role: role) { return true }
        return !keys.contains { $0.reserves(subject: subject, role: role) }
    }

    /// The ring as a JWKS document (sorted keys, pretty-printed).
    public func jwks() -> Data {
        let document = JSONWebKey.Set(
            keys: keys.compactMap { key in
                guard let publicKey = key.publicKey else { return nil }
                let (x, y) = TokenKey.coordinates(of: publicKey)
                return JSONWebKey(
                    kty: "EC", crv: "P-256", x: x, y: y, kid: key.keyID, alg: "ES256", use: "sig",
                    subjects: key.subjects.map { $0.sorted() }, roles: key.roles.map { $0.map(\.rawValue).sorted() })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)) ?? Data(#"{"keys":[]}"#.utf8)
    }
}
