import Testing
import Wire
import WireFixtures

/// The string decoder's fast UTF-8 check against the standard library's strict validator, on
/// random byte strings biased towards almost-valid UTF-8.
@Suite struct UTF8ValidationTests {
    static let pieces: [[UInt8]] = [
        [0x61], [0x7F], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBD],
        [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0xE2, 0x82], [0xFF], [0xFE],
        [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    @Test func stringFieldsAcceptExactlyTheValidUTF8() throws {
        var random = SplitMix64(seed: 42)
        var valid = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 12) {
                bytes += Self.pieces[Int(random.next() % UInt64(Self.pieces.count))]
            }
            let expected = String(validating: bytes, as: UTF8.self)
            let encoded: [UInt8] = [0x4A, UInt8(bytes.count)] + bytes  // field 9 (f_string), length-delimited
            let decoded = try? AllKinds(serializedBytes: encoded)
            #expect(decoded?.fString == expected, "bytes \(bytes)")
            if expected != nil { valid += 1 }
        }
        #expect(valid > 1_000)
    }
}
