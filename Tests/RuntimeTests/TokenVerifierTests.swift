import Crypto
import Foundation
import Testing

@testable import Runtime

/// Every way a bearer token can be wrong is refused, each with its own reason.
@Suite struct TokenVerifierTests {
    // Immutable once made; swift-crypto does not mark its keys Sendable on Linux.
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")
    static let verifier = TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")

    static func claims(
        exp: Double = Date().timeIntervalSince1970 + 600, nbf: Double? = nil, iss: String = "support-platform",
        aud: String = "support", sub: String = "customer-1", role: String = "customer",
        iat: Double? = Date().timeIntervalSince1970
    ) -> TokenClaims {
        TokenClaims(sub: sub, role: role, iss: iss, aud: .one(aud), exp: exp, nbf: nbf, iat: iat)
    }

    static let header = #"{"alg":"ES256","typ":"JWT"}"#

    @Test func aValidTokenGivesItsIdentity() throws {
        let token = try Self.minter.mint(subject: "agent-7", role: .agent)
        #expect(try Self.verifier.verify(token) == Identity(subject: "agent-7", role: .agent))
    }

    /// Minted times are whole seconds (JSON integers), and the token verifies at once.
    @Test func mintedTimesAreWholeSeconds() throws {
        let token = try Self.minter.mint(subject: "agent-7", role: .agent, lifetime: 600)
        let payload = try #require(Base64URL.decode(token.split(separator: ".")[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        let text = String(decoding: payload, as: UTF8.self)
        for name in ["iat", "nbf", "exp"] {
            let value = try #require(claims[name] as? Double, "\(name) in \(text)")
            #expect(value == value.rounded(.down), "\(name) in \(text)")
            #expect(!text.contains("\"\(name)\":\(Int(value))."), "\(name) in \(text)")
        }
        #expect((claims["exp"] as? Double).map { $0 - (claims["iat"] as? Double ?? 0) } == 600)
        #expect(try Self.verifier.verify(token) == Identity(subject: "agent-7", role: .agent))
    }

    @Test(arguments: ["Orders", "orders ", "\u{FF4F}rders", "-orders", "", String(repeating: "a", count: 65)])
    func serviceTokensForLookAlikeNamesAreRefused(_ name: String) throws {
        let token = try Self.minter.sign(header: Self.header, claims: Self.claims(sub: name, role: "service"))
        #expect(throws: TokenError.invalidClaims) { try Self.verifier.verify(token) }
    }

    /// A subject is printable ASCII, as every stored id: "cust-\u{212A}" (KELVIN SIGN) equals
    /// "cust-K" as a Swift string, so its holder passed the services' ownership checks for that
    /// customer (an outside review's finding).
    @Test(arguments: [
        "cust-\u{212A}", "cust\u{037E}", "caf\u{E9}", "ana maria", "ana\u{0}", String(repeating: "a", count: 129),
    ])
    func subjectsOutsidePrintableASCIIAreRefused(_ subject: String) throws {
        let token = try Self.minter.sign(header: Self.header, claims: Self.claims(sub: subject, role: "customer"))
        #expect(throws: TokenError.invalidClaims) { try Self.verifier.verify(token) }
    }

    @Test func printableASCIISubjectsAreAccepted() throws {
        for subject in ["cust-K", "agent-7", "a", "ana@example.com", String(repeating: "a", count: 128)] {
            let token = try Self.minter.sign(header: Self.header, claims: Self.claims(sub: subject, role: "customer"))
            #expect(try Self.verifier.verify(token) == Identity(subject: subject, role: .customer))
        }
    }

    @Test func serviceTokensForServiceNamesAreAccepted() throws {
        for name in ["orders", "storefront", "payments-2"] {
            let token = try Self.minter.sign(header: Self.header, claims: Self.claims(sub: name, role: "service"))
            #expect(try Self.verifier.verify(token) == Identity(subject: name, role: .service))
        }
    }

    @Test func expiredTokensAreRefused() throws {
        let token = try Self.minter.sign(
            header: Self.header, claims: Self.claims(exp: Date().timeIntervalSince1970 - 120))
        #expect(throws: TokenError.expired) { try Self.verifier.verify(token) }
    }

    @Test func tokensNotYetValidAreRefused() throws {
        let token = try Self.minter.sign(
            header: Self.header, claims: Self.claims(nbf: Date().timeIntervalSince1970 + 600))
        #expect(throws: TokenError.notYetValid) { try Self.verifier.verify(token) }
    }

    @Test func wrongAudienceAndIssuerAreRefused() throws {
        let audience = try Self.minter.sign(header: Self.header, claims: Self.claims(aud: "someone-else"))
        #expect(throws: TokenError.wrongAudience) { try Self.verifier.verify(audience) }
        let issuer = try Self.minter.sign(header: Self.header, claims: Self.claims(iss: "evil"))
        #expect(throws: TokenError.wrongIssuer) { try Self.verifier.verify(issuer) }
    }

    @Test func algNoneIsRefused() throws {
        let valid = try Self.minter.mint(subject: "customer-1", role: .customer)
        let parts = valid.split(separator: ".")
        let unsigned = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
        #expect(throws: TokenError.algorithmNotAllowed("none")) { try Self.verifier.verify(unsigned) }
        let hmac = try Self.minter.sign(header: #"{"alg":"HS256","typ":"JWT"}"#, claims: Self.claims())
        #expect(throws: TokenError.algorithmNotAllowed("HS256")) { try Self.verifier.verify(hmac) }
    }

    @Test func aTokenSignedWithAnotherKeyIsRefused() throws {
        // Another key claiming the trusted key's kid: the signature does not verify.
        let impostor = TokenMinter(
            key: P256.Signing.PrivateKey(), keyID: TokenKey.thumbprint(of: Self.key.publicKey),
            issuer: "support-platform", audience: "support")
        let token = try impostor.mint(subject: "customer-1", role: .customer)
        #expect(throws: TokenError.badSignature) { try Self.verifier.verify(token) }
        // Another key under its own kid: not in the ring.
        let other = TokenMinter(key: P256.Signing.PrivateKey(), issuer: "support-platform", audience: "support")
        #expect(throws: TokenError.unknownKey) {
            try Self.verifier.verify(try other.mint(subject: "customer-1", role: .customer))
        }
    }

    @Test func anAllZeroSignatureIsRefused() throws {
        let valid = try Self.minter.mint(subject: "customer-1", role: .customer)
        let parts = valid.split(separator: ".")
        let zeroed = parts[0] + "." + parts[1] + "." + Base64URL.encode([UInt8](repeating: 0, count: 64))
        #expect(throws: TokenError.badSignature) { try Self.verifier.verify(String(zeroed)) }
    }

    @Test func tamperedClaimsAreRefused() throws {
        let valid = try Self.minter.mint(subject: "customer-1", role: .customer)
        let parts = valid.split(separator: ".")
        let promoted = try JSONEncoder().encode(Self.claims(role: "agent"))
        let forged = parts[0] + "." + Base64URL.encode(Array(promoted)) + "." + parts[2]
        #expect(throws: TokenError.badSignature) { try Self.verifier.verify(String(forged)) }
    }

    @Test func oversizedAndMalformedTokensAreRefused() throws {
        let huge = try Self.minter.sign(
            header: Self.header, claims: Self.claims(sub: String(repeating: "x", count: 5_000)))
        #expect(throws: TokenError.tooLarge(limit: 4_096)) { try Self.verifier.verify(huge) }
        for garbage in ["", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.e30"] {
            #expect(throws: TokenError.self) { try Self.verifier.verify(garbage) }
        }
    }

    @Test func unknownRolesAndEmptySubjectsAreRefused() throws {
        let role = try Self.minter.sign(header: Self.header, claims: Self.claims(role: "admin"))
        #expect(throws: TokenError.invalidClaims) { try Self.verifier.verify(role) }
        let subject = try Self.minter.sign(header: Self.header, claims: Self.claims(sub: ""))
        #expect(throws: TokenError.invalidClaims) { try Self.verifier.verify(subject) }
    }

    @Test func iatIsRequiredAndNotInTheFuture() throws {
        let missing = try Self.minter.sign(header: Self.header, claims: Self.claims(iat: nil))
        #expect(throws: TokenError.issuedAtMissing) { try Self.verifier.verify(missing) }
        let future = try Self.minter.sign(
            header: Self.header, claims: Self.claims(iat: Date().timeIntervalSince1970 + 300))
        #expect(throws: TokenError.issuedInTheFuture) { try Self.verifier.verify(future) }
        let withinLeeway = try Self.minter.sign(
            header: Self.header, claims: Self.claims(iat: Date().timeIntervalSince1970 + 5))
        #expect(try Self.verifier.verify(withinLeeway) == Identity(subject: "customer-1", role: .customer))
    }

    @Test func tokensLivingLongerThanTheMaximumAreRefused() throws {
        let now = Date().timeIntervalSince1970
        let verifier = TokenVerifier(
            key: Self.key.publicKey, issuer: "support-platform", audience: "support", maximumLifetime: 600)
        let atLimit = try Self.minter.sign(header: Self.header, claims: Self.claims(exp: now + 600, iat: now))
        #expect(try verifier.verify(atLimit).subject == "customer-1")
        let tooLong = try Self.minter.sign(header: Self.header, claims: Self.claims(exp: now + 601, iat: now))
        #expect(throws: TokenError.lifetimeTooLong(limit: 600)) { try verifier.verify(tooLong) }
        // Backdating iat does not help: the lifetime is exp - iat.
        let backdated = try Self.minter.sign(header: Self.header, claims: Self.claims(exp: now + 60, iat: now - 3_600))
        #expect(throws: TokenError.lifetimeTooLong(limit: 600)) { try verifier.verify(backdated) }
    }

    @Test func aTokenNamingAKidTheRingLacksIsRefused() throws {
        let other = TokenMinter(key: Self.key, keyID: "retired", issuer: "support-platform", audience: "support")
        #expect(throws: TokenError.unknownKey) { try Self.verifier.verify(try other.mint(subject: "a", role: .agent)) }
    }
}
