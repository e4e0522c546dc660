import Testing

@testable import RPC

/// Metadata keys skip `lowercased()` when they have no upper-case ASCII letter and no non-ASCII
/// byte: for every key, what is kept and looked up is byte for byte what `lowercased()` gives,
/// so no key finds, hides or removes an entry it did not before.
@Suite struct MetadataKeyCaseAttackTests {
    /// Keys at the edges of the fast path: the bytes around `A`-`Z`, controls, NUL, DEL, and
    /// letters whose lower case is ASCII or longer (KELVIN SIGN, dotted I, sharp s, title case).
    static let keys: [String] = [
        "", "a", "authorization", "Authorization", "AUTHORIZATION", "grpc-timeout", "GRPC-TIMEOUT", "x-data-bin",
        "@", "[", "`", "{", "A@Z[", "\u{0}", "a\u{0}B", "\u{7F}", "\u{80}", "\u{212A}ey", "\u{130}d", "stra\u{DF}e",
        "STRA\u{1E9E}E", "\u{1C5}x", "\u{E9}t\u{E9}", "E\u{301}", "x-\u{FF21}", "\t \r\n",
    ]

    @Test(arguments: keys)
    func aKeyIsKeptAsLowercasedWouldKeepIt(_ key: String) {
        let kept = Metadata.lowercase(key)
        #expect(Array(kept.utf8) == Array(key.lowercased().utf8))
        #expect(Array(Metadata.Entry(key: key, value: .string("v")).key.utf8) == Array(key.lowercased().utf8))
    }

    /// The keys whose upper case lower-cases back to their lower case (all but the sharp s).
    static let caseStableKeys = keys.filter { $0.uppercased().lowercased() == $0.lowercased() }

    @Test(arguments: caseStableKeys)
    func aKeyIsFoundRemovedAndReplacedWhateverItsCase(_ key: String) {
        var metadata = Metadata()
        metadata.add(key, "first")
        metadata.add(key.uppercased(), binary: [1])
        #expect(metadata[key] == "first")
        #expect(metadata[key.lowercased()] == "first")
        #expect(metadata[key.uppercased()] == "first")
        #expect(metadata.binary(key.lowercased()) == [1])
        metadata.set(key.uppercased(), "second")
        #expect(metadata[key] == "second")
        #expect(metadata.count == 1)
        metadata.remove(key.lowercased())
        #expect(metadata.isEmpty)
    }

    @Test func anUpperCaseAuthorizationIsTheAuthorizationAndNothingElseIs() {
        var metadata = Metadata()
        metadata.add("AUTHORIZATION", "Bearer a")
        metadata.add("authorization ", "Bearer b")
        metadata.add("x-authorization", "Bearer c")
        metadata.add("\u{FF21}uthorization", "Bearer d")
        #expect(metadata["authorization"] == "Bearer a")
        metadata.remove("Authorization")
        #expect(metadata["authorization"] == nil)
        #expect(metadata.count == 3)
    }

    @Test func metadataBuiltInAnyCaseIsEqual() {
        var upper = Metadata()
        upper.add("X-Trace", "1")
        upper.add("Content-Language", "pt")
        let lower: Metadata = ["x-trace": "1", "content-language": "pt"]
        #expect(upper == lower)
        #expect(upper.hashValue == lower.hashValue)
    }
}
