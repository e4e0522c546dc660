import Crypto
import Foundation
import Synchronization
import Testing

@testable import Runtime

/// The verifier keeps what it verified until the token expires, forgets it when the key ring
/// changes, never keeps a refused token, and holds a bounded number of tokens.
@Suite struct TokenVerifierCacheTests {
    // Immutable once made; swift-crypto does not mark its keys Sendable on Linux.
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    nonisolated(unsafe) static let otherKey = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")

    /// A clock tests move by hand.
    final class Clock: Sendable {
        let seconds = Mutex(Date().timeIntervalSince1970)
        var now: Double { seconds.withLock { $0 } }
        func advance(by interval: Double) { seconds.withLock { $0 += interval } }
    }

    static func verifier(
        _ source: KeyRingSource, clock: Clock, capacity: Int = TokenVerifier.defaultCacheCapacity
    ) -> TokenVerifier {
        TokenVerifier(
            keys: source, issuer: "support-platform", audience: "support", leeway: 5, now: { clock.now },
            cacheCapacity: capacity)
    }

    static func ring(_ keys: P256.Signing.PrivateKey...) -> TokenKeyRing {
        TokenKeyRing(keys: keys.map { TokenKey(publicKey: $0.publicKey) })
    }

    @Test func aVerifiedTokenIsKeptAndAnsweredFromTheCache() throws {
        let clock = Clock()
        let verifier = Self.verifier(KeyRingSource(Self.ring(Self.key)), clock: clock)
        let token = try Self.minter.mint(subject: "ana", role: .customer, lifetime: 600)
        #expect(verifier.cache.identity(for: token, generation: 0, now: clock.now) == nil)
        #expect(try verifier.verify(token) == Identity(subject: "ana", role: .customer))
        #expect(verifier.cache.count == 1)
        let cached = verifier.cache.identity(for: token, generation: 0, now: clock.now)
        #expect(cached == Identity(subject: "ana", role: .customer))
        #expect(try verifier.verify(token) == Identity(subject: "ana", role: .customer))
        #expect(verifier.cache.count == 1)
    }

    @Test func aCachedTokenIsRefusedOnceExpired() throws {
        let clock = Clock()
        let verifier = Self.verifier(KeyRingSource(Self.ring(Self.key)), clock: clock)
        let token = try Self.minter.mint(subject: "ana", role: .customer, lifetime: 60)
        #expect(try verifier.verify(token) == Identity(subject: "ana", role: .customer))
        clock.advance(by: 70)
        #expect(throws: TokenError.expired) { try verifier.verify(token) }
        #expect(verifier.cache.count == 0)
    }

    /// A token past its `exp` but within the leeway still verifies, and is answered from the cache
    /// without being stored again: stored again on every call (it was kept only until `exp`), it
    /// took a slot of the bounded cache each time and pushed the other callers' tokens out (an
    /// outside review's finding).
    @Test func aTokenInTheLeewayIsAnsweredWithoutPushingOthersOut() throws {
        let clock = Clock()
        let verifier = Self.verifier(KeyRingSource(Self.ring(Self.key)), clock: clock, capacity: 2)
        let ending = try Self.minter.mint(subject: "ana", role: .customer, lifetime: 60)
        let other = try Self.minter.mint(subject: "bo", role: .customer, lifetime: 600)
        #expect(try verifier.verify(ending) == Identity(subject: "ana", role: .customer))
        #expect(try verifier.verify(other) == Identity(subject: "bo", role: .customer))
        clock.advance(by: 62)  // past `exp`, within the verifier's 5 s of leeway
        for _ in 0..<5 {
            #expect(try verifier.verify(ending) == Identity(subject: "ana", role: .customer))
        }
        let kept = verifier.cache.identity(for: other, generation: 0, now: clock.now)
        #expect(kept == Identity(subject: "bo", role: .customer))
        clock.advance(by: 4)  // past the leeway too
        #expect(throws: TokenError.expired) { try verifier.verify(ending) }
    }

    @Test func anEntryIsNotAnsweredAtOrAfterItsExpiry() {
        let cache = TokenVerifierCache(capacity: 4)
        cache.store(Identity(subject: "ana", role: .customer), for: "t", until: 100, generation: 0)
        #expect(cache.identity(for: "t", generation: 0, now: 99.5) == Identity(subject: "ana", role: .customer))
        #expect(cache.identity(for: "t", generation: 0, now: 100) == nil)
    }

    @Test func replacingTheKeyRingForgetsWhatWasVerified() throws {
        let clock = Clock()
        let source = KeyRingSource(Self.ring(Self.key))
        let verifier = Self.verifier(source, clock: clock)
        let token = try Self.minter.mint(subject: "ana", role: .customer, lifetime: 600)
        #expect(try verifier.verify(token) == Identity(subject: "ana", role: .customer))
        // The key that signed the token is removed: the token is refused at once.
        source.replace(with: Self.ring(Self.otherKey))
        #expect(throws: TokenError.unknownKey) { try verifier.verify(token) }
        #expect(verifier.cache.count == 0)
        // Restored: verified again (and cached for the new ring).
        source.replace(with: Self.ring(Self.otherKey, Self.key))
        #expect(try verifier.verify(token) == Identity(subject: "ana", role: .customer))
        #expect(verifier.cache.count == 1)
    }

    @Test func anEntryOfAnOlderRingIsNeitherKeptNorAnswered() {
        let cache = TokenVerifierCache(capacity: 4)
        let ana = Identity(subject: "ana", role: .customer)
        cache.store(ana, for: "t", until: 100, generation: 2)
        #expect(cache.identity(for: "t", generation: 1, now: 0) == nil)
        cache.store(ana, for: "u", until: 100, generation: 1)
        #expect(cache.count == 1)
        #expect(cache.identity(for: "t", generation: 3, now: 0) == nil)
        #expect(cache.count == 0)
    }

    @Test func refusedTokensAreNeverKept() throws {
        let clock = Clock()
        let verifier = Self.verifier(KeyRingSource(Self.ring(Self.key)), clock: clock)
        let impostor = TokenMinter(
            key: Self.otherKey, keyID: TokenKey.thumbprint(of: Self.key.publicKey), issuer: "support-platform",
            audience: "support")
        let forged = try impostor.mint(subject: "ana", role: .customer)
        for _ in 0..<2 {
            #expect(throws: TokenError.badSignature) { try verifier.verify(forged) }
        }
        let wrongAudience = try TokenMinter(key: Self.key, issuer: "support-platform", audience: "elsewhere")
            .mint(subject: "ana", role: .customer)
        #expect(throws: TokenError.wrongAudience) { try verifier.verify(wrongAudience) }
        #expect(throws: TokenError.malformed) { try verifier.verify("not.a.token") }
        #expect(verifier.cache.count == 0)
    }

    @Test func aFloodOfDistinctTokensKeepsTheCacheAtItsCapacity() throws {
        let clock = Clock()
        let verifier = Self.verifier(KeyRingSource(Self.ring(Self.key)), clock: clock, capacity: 8)
        var tokens: [String] = []
        for index in 0..<20 {
            let token = try Self.minter.mint(subject: "customer-\(index)", role: .customer, lifetime: 600)
            tokens.append(token)
            #expect(try verifier.verify(token) == Identity(subject: "customer-\(index)", role: .customer))
            #expect(verifier.cache.count == min(index + 1, 8))
        }
        // The oldest were dropped for the newest; the dropped ones still verify (the slow way).
        #expect(verifier.cache.identity(for: tokens[0], generation: 0, now: clock.now) == nil)
        #expect(verifier.cache.identity(for: tokens[19], generation: 0, now: clock.now) != nil)
        #expect(try verifier.verify(tokens[0]) == Identity(subject: "customer-0", role: .customer))
        #expect(verifier.cache.count == 8)
    }

    @Test func aNonASCIITokenEquivalentToACachedOneIsNotAnsweredFromTheCache() {
        let cache = TokenVerifierCache(capacity: 4)
        cache.store(Identity(subject: "ana", role: .customer), for: "abc.K.def", until: 100, generation: 0)
        // U+212A KELVIN SIGN is canonically equivalent to "K": equal as Swift strings, other bytes.
        let lookalike = "abc.\u{212A}.def"
        #expect(lookalike == "abc.K.def")
        #expect(cache.identity(for: lookalike, generation: 0, now: 0) == nil)
        #expect(cache.identity(for: "abc.K.def", generation: 0, now: 0) == Identity(subject: "ana", role: .customer))
    }

    /// The cache hashes a token's length and last 32 bytes only: tokens alike there are still
    /// told apart by all their bytes.
    @Test func tokensAlikeInLengthAndEndAreToldApart() {
        let cache = TokenVerifierCache(capacity: 4)
        let end = String(repeating: "s", count: 40)
        cache.store(Identity(subject: "ana", role: .customer), for: "aaaa." + end, until: 100, generation: 0)
        cache.store(Identity(subject: "bo", role: .customer), for: "bbbb." + end, until: 100, generation: 0)
        #expect(cache.count == 2)
        #expect(cache.identity(for: "aaaa." + end, generation: 0, now: 0) == Identity(subject: "ana", role: .customer))
        #expect(cache.identity(for: "bbbb." + end, generation: 0, now: 0) == Identity(subject: "bo", role: .customer))
        #expect(cache.identity(for: "cccc." + end, generation: 0, now: 0) == nil)
        #expect(cache.identity(for: "aaa." + end, generation: 0, now: 0) == nil)
        #expect(cache.identity(for: "", generation: 0, now: 0) == nil)
    }
}
