import Crypto
import Foundation
import Testing

@testable import Runtime

/// Verifiers trust a ring of keys by kid: keys rotate without downtime, a removed key is refused,
/// and a key signs only for the subjects and roles it is allowed (a service's key only its own
/// service tokens), so a stolen service key cannot mint agent or auditor tokens.
@Suite struct TokenKeyRingTests {
    // Immutable once made; swift-crypto does not mark its keys Sendable on Linux.
    nonisolated(unsafe) static let identityProvider = P256.Signing.PrivateKey()
    nonisolated(unsafe) static let orders = P256.Signing.PrivateKey()
    nonisolated(unsafe) static let refunds = P256.Signing.PrivateKey()

    static let ring = TokenKeyRing(keys: [
        TokenKey(
            publicKey: identityProvider.publicKey, keyID: "idp-1", roles: [.customer, .agent, .auditor, .service]),
        TokenKey(publicKey: orders.publicKey, keyID: "orders-1", subjects: ["orders"], roles: [.service]),
        TokenKey(publicKey: refunds.publicKey, keyID: "refunds-1", subjects: ["refunds"], roles: [.service]),
    ])

    static func minter(_ key: P256.Signing.PrivateKey, _ keyID: String) -> TokenMinter {
        TokenMinter(key: key, keyID: keyID, issuer: "support-platform", audience: "support")
    }

    static func verifier(_ ring: TokenKeyRing) -> TokenVerifier {
        TokenVerifier(ring: ring, issuer: "support-platform", audience: "support")
    }

    @Test func aServiceKeySignsOnlyItsOwnServiceTokens() throws {
        let verifier = Self.verifier(Self.ring)
        let stolen = Self.minter(Self.orders, "orders-1")
        #expect(
            try verifier.verify(try stolen.mint(subject: "orders", role: .service))
                == Identity(subject: "orders", role: .service))
        for (subject, role) in [
            ("agent-7", Role.agent), ("audit-1", .auditor), ("orders", .auditor), ("ana", .customer),
            ("refunds", .service), ("storefront", .service),
        ] {
            #expect(throws: TokenError.keyNotAllowed(keyID: "orders-1")) {
                try verifier.verify(try stolen.mint(subject: subject, role: role))
            }
        }
    }

    @Test func theIdentityProviderSignsPeopleAndOutsideServicesButNotThePlatformsServices() throws {
        let verifier = Self.verifier(Self.ring)
        let provider = Self.minter(Self.identityProvider, "idp-1")
        #expect(try verifier.verify(try provider.mint(subject: "audit-1", role: .auditor)).role == .auditor)
        #expect(try verifier.verify(try provider.mint(subject: "storefront", role: .service)).subject == "storefront")
        // "orders" in the service role is reserved to the orders key.
        #expect(throws: TokenError.keyNotAllowed(keyID: "idp-1")) {
            try verifier.verify(try provider.mint(subject: "orders", role: .service))
        }
    }

    @Test func keysRotateWithoutDowntimeAndARemovedKeyIsRefused() throws {
        let next = P256.Signing.PrivateKey()
        let old = Self.minter(Self.identityProvider, "idp-1")
        let new = Self.minter(next, "idp-2")
        let both = TokenKeyRing(
            keys: Self.ring.keys + [TokenKey(publicKey: next.publicKey, keyID: "idp-2", roles: [.customer, .agent])])
        let oldToken = try old.mint(subject: "agent-7", role: .agent)
        let newToken = try new.mint(subject: "agent-8", role: .agent)
        #expect(try Self.verifier(both).verify(oldToken).subject == "agent-7")
        #expect(try Self.verifier(both).verify(newToken).subject == "agent-8")

        let retired = TokenKeyRing(keys: both.keys.filter { $0.keyID != "idp-1" })
        #expect(throws: TokenError.unknownKey) { try Self.verifier(retired).verify(oldToken) }
        #expect(try Self.verifier(retired).verify(newToken).subject == "agent-8")
    }

    @Test func aTokenWithoutKidIsAcceptedOnlyByASingleKeyRing() throws {
        let claims = TokenClaims(
            sub: "agent-7", role: "agent", iss: "support-platform", aud: .one("support"),
            exp: Date().timeIntervalSince1970 + 60, nbf: nil, iat: Date().timeIntervalSince1970)
        let token = try Self.minter(Self.identityProvider, "idp-1").sign(
            header: #"{"alg":"ES256","typ":"JWT"}"#, claims: claims)
        let single = TokenKeyRing(keys: [TokenKey(publicKey: Self.identityProvider.publicKey)])
        #expect(try Self.verifier(single).verify(token).subject == "agent-7")
        #expect(throws: TokenError.unknownKey) { try Self.verifier(Self.ring).verify(token) }
    }

    @Test func theJWKSFormRoundTrips() throws {
        let read = try TokenKeyRing(jwks: Self.ring.jwks())
        #expect(read == Self.ring)
        let token = try Self.minter(Self.refunds, "refunds-1").mint(subject: "refunds", role: .service)
        #expect(try Self.verifier(read).verify(token).subject == "refunds")
    }

    @Test func aKeyIdDefaultsToTheKeysThumbprint() throws {
        // RFC 7517 appendix A.1's EC key; its RFC 7638 thumbprint computed independently with
        // Python's hashlib over the canonical {"crv","kty","x","y"} JSON.
        let x = try #require(Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"))
        let y = try #require(Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
        let key = try P256.Signing.PublicKey(rawRepresentation: x + y)
        #expect(TokenKey(publicKey: key).keyID == "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U")
    }

    @Test(arguments: [
        #"{"keys": []}"#, #"not json"#, #"{"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}"#,
        #"{"keys": [{"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}]}"#,
        #"{"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "roles": ["root"]}]}"#,
        #"{"keys": [{"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}]}"#,
    ])
    func badKeySetsAreRefusedWithAReason(_ text: String) {
        #expect(throws: KeyRingError.self) { try TokenKeyRing(jwks: Data(text.utf8)) }
    }

    @Test func aReloadedKeySetFileAppliesToTheNextCallAndABadOneIsIgnored() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let next = P256.Signing.PrivateKey()
        let nextKey = TokenKey(publicKey: next.publicKey, keyID: "idp-2", roles: [.agent])
        try TokenKeyRing(keys: Self.ring.keys + [nextKey]).jwks().write(to: URL(fileURLWithPath: path))
        let file = try KeyRingFile(path: path)
        let verifier = TokenVerifier(keys: file.source, issuer: "support-platform", audience: "support")
        let oldToken = try Self.minter(Self.identityProvider, "idp-1").mint(subject: "agent-7", role: .agent)
        let newToken = try Self.minter(next, "idp-2").mint(subject: "agent-8", role: .agent)
        #expect(try verifier.verify(oldToken).subject == "agent-7")
        #expect(try file.reload() == false)

        try TokenKeyRing(keys: [nextKey]).jwks().write(to: URL(fileURLWithPath: path))
        #expect(try file.reload())
        #expect(throws: TokenError.unknownKey) { try verifier.verify(oldToken) }
        #expect(try verifier.verify(newToken).subject == "agent-8")

        try Data("{\"keys\": [".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyRingError.self) { try file.reload() }
        #expect(try verifier.verify(newToken).subject == "agent-8")
    }
}
