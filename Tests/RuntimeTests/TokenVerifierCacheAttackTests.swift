import Crypto
import Foundation
import Testing

@testable import Runtime

/// The verified-token cache hashes a token's length and last 32 bytes only and compares the
/// rest byte for byte: tokens made to look like a cached one (same length and end, canonically
/// equivalent, NUL bytes, multi-byte UTF-8, other string storage) get no identity from it, and a
/// flood of tokens alike in length and end still answers each by its own bytes.
@Suite struct TokenVerifierCacheAttackTests {
    // Immutable once made; swift-crypto does not mark its keys Sendable on Linux.
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")
    static let ana = Identity(subject: "ana", role: .customer)
    /// A 40-byte end every crafted token of these tests shares.
    static let end = String(repeating: "s", count: 40)

    static func verifier() -> TokenVerifier {
        TokenVerifier(
            keys: KeyRingSource(TokenKeyRing(keys: [TokenKey(publicKey: key.publicKey)])), issuer: "support-platform",
            audience: "support", leeway: 5)
    }

    /// `token` with its payload's subject replaced by `subject` (same length), its signature kept.
    static func resigned(_ token: String, subject old: String, as new: String) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let payload = try #require(Base64URL.decode(parts[1]))
        let json = try #require(String(bytes: payload, encoding: .utf8))
        let forged = json.replacingOccurrences(of: "\"\(old)\"", with: "\"\(new)\"")
        #expect(forged != json)
        return "\(parts[0]).\(Base64URL.encode(Array(forged.utf8))).\(parts[2])"
    }

    @Test func aForgedPayloadWithTheCachedSignatureIsVerifiedAndRefused() throws {
        let verifier = Self.verifier()
        let token = try Self.minter.mint(subject: "customer-1", role: .customer, lifetime: 600)
        #expect(try verifier.verify(token) == Identity(subject: "customer-1", role: .customer))
        let forged = try Self.resigned(token, subject: "customer-1", as: "customer-2")
        // Same length and the same last 32 bytes: the same hash as the cached token.
        #expect(forged.utf8.count == token.utf8.count)
        #expect(Array(forged.utf8.suffix(32)) == Array(token.utf8.suffix(32)))
        #expect(forged != token)
        #expect(verifier.cache.identity(for: forged, generation: 0, now: Date().timeIntervalSince1970) == nil)
        #expect(throws: TokenError.badSignature) { try verifier.verify(forged) }
        #expect(verifier.cache.count == 1)
        #expect(try verifier.verify(token) == Identity(subject: "customer-1", role: .customer))
    }

    /// The signature's 86th base64url character carries 2 bits of the signature and 4 unused
    /// ones: a token with other unused bits is another string for the same signature.
    @Test func aSignatureWithOtherUnusedBitsIsRefused() throws {
        let verifier = Self.verifier()
        let token = try Self.minter.mint(subject: "ana", role: .customer, lifetime: 600)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = try #require(token.last)
        let value = try #require(alphabet.firstIndex(of: last))
        #expect(value & 0x0F == 0, "a canonical encoder leaves the unused bits at 0")
        let variant = String(token.dropLast()) + String(alphabet[value | 0x01])
        #expect(throws: TokenError.malformed) { try verifier.verify(variant) }
        #expect(verifier.cache.count == 0)
        #expect(try verifier.verify(token) == Self.ana)
    }

    @Test func canonicallyEquivalentTokensOfTheSameByteLengthAreToldApart() {
        // d with dot above then dot below, and d with dot below then dot above: equal as Swift
        // strings (canonical equivalence), 5 UTF-8 bytes each, different bytes.
        let stored = "\u{1E0B}\u{0323}." + Self.end
        let lookalike = "\u{1E0D}\u{0307}." + Self.end
        #expect(stored == lookalike)
        #expect(stored.utf8.count == lookalike.utf8.count)
        #expect(Array(stored.utf8) != Array(lookalike.utf8))
        let cache = TokenVerifierCache(capacity: 4)
        cache.store(Self.ana, for: stored, until: 100, generation: 0)
        #expect(cache.identity(for: lookalike, generation: 0, now: 0) == nil)
        #expect(cache.identity(for: stored, generation: 0, now: 0) == Self.ana)
    }

    @Test func nulAndMultiByteTokensAlikeInLengthAndEndAreToldApart() {
        let cache = TokenVerifierCache(capacity: 8)
        let stored = "a\u{0}b." + Self.end
        cache.store(Self.ana, for: stored, until: 100, generation: 0)
        let lookalikes = ["a\u{0}c.", "\u{0}\u{0}b.", "\u{E9}b.", "ab\u{0}."].map { $0 + Self.end }
        for lookalike in lookalikes {
            #expect(lookalike.utf8.count == stored.utf8.count)
            #expect(cache.identity(for: lookalike, generation: 0, now: 0) == nil, "\(Array(lookalike.utf8.prefix(4)))")
        }
        // A NUL does not end the comparison: a token differing only after it is another token.
        #expect(cache.identity(for: "a\u{0}b." + String(repeating: "s", count: 39) + "t", generation: 0, now: 0) == nil)
        #expect(cache.identity(for: stored, generation: 0, now: 0) == Self.ana)
        #expect(cache.identity(for: "", generation: 0, now: 0) == nil)
        cache.store(Self.ana, for: "", until: 100, generation: 0)
        #expect(cache.identity(for: "", generation: 0, now: 0) == Self.ana)
        #expect(cache.identity(for: "\u{0}", generation: 0, now: 0) == nil)
    }

    @Test func theSameBytesInOtherStringStorageAreFound() {
        let cache = TokenVerifierCache(capacity: 4)
        let stored = "header.payload." + Self.end
        cache.store(Self.ana, for: stored, until: 100, generation: 0)
        let copies: [String] = [
            String(NSString(string: stored)),
            NSString(string: stored) as String,
            String(decoding: Array(stored.utf8), as: UTF8.self),
            String(("x" + stored).dropFirst()),
            stored.lowercased(),
        ]
        for copy in copies {
            #expect(cache.identity(for: copy, generation: 0, now: 0) == Self.ana)
        }
    }

    @Test func aFloodOfTokensAlikeInLengthAndEndStaysBoundedAndExact() {
        let capacity = 256
        let cache = TokenVerifierCache(capacity: capacity)
        let tokens = (0..<(capacity * 2)).map { String(format: "%06d.", $0) + Self.end }
        for (index, token) in tokens.enumerated() {
            cache.store(Identity(subject: "c\(index)", role: .customer), for: token, until: 100, generation: 0)
        }
        #expect(cache.count == capacity)
        for (index, token) in tokens.enumerated() {
            let expected = index < capacity ? nil : Identity(subject: "c\(index)", role: .customer)
            #expect(cache.identity(for: token, generation: 0, now: 0) == expected)
        }
        // Expiry and a new ring still apply to colliding entries one by one.
        #expect(cache.identity(for: tokens[capacity], generation: 0, now: 100) == nil)
        #expect(cache.count == capacity - 1)
        #expect(cache.identity(for: tokens[capacity + 1], generation: 0, now: 99) != nil)
        #expect(cache.identity(for: tokens[capacity + 1], generation: 1, now: 0) == nil)
        #expect(cache.count == 0)
    }
}
