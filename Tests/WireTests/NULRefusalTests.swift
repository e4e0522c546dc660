import Testing
import Wire
import WireFixtures

/// A reader that refuses NUL (as the RPC server's request decoder is) fails on a `string` holding
/// U+0000 anywhere, naming the field; other readers keep decoding it as protobuf allows.
@Suite struct NULRefusalTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let field: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "NUL alone", bytes: [0x4A, 0x01, 0x00], field: 9),
        Case(name: "NUL inside ASCII", bytes: [0x4A, 0x03, 0x61, 0x00, 0x62], field: 9),
        Case(name: "NUL after a multi-byte character", bytes: [0x4A, 0x03, 0xC3, 0xA9, 0x00], field: 9),
        Case(name: "NUL in a map key", bytes: [0xEA, 0x03, 0x04, 0x0A, 0x02, 0x61, 0x00], field: 1),
    ]

    @Test(arguments: cases) func refusingReaderNamesTheField(_ test: Case) {
        #expect(throws: WireDecodingError.nulInString(field: test.field)) {
            try AllKinds(serializedBytes: test.bytes, refusingNUL: true)
        }
        #expect((try? AllKinds(serializedBytes: test.bytes)) != nil, "a reader not refusing NUL decodes it")
    }

    @Test func refusingReaderAcceptsTextWithoutNUL() throws {
        let decoded = try AllKinds(serializedBytes: [0x4A, 0x03, 0x61, 0x01, 0x62], refusingNUL: true)
        #expect(decoded.fString == "a\u{1}b")
    }
}
