import Testing
import Wire
import WireFixtures

/// Every kind of malformed input, each with the error it must give. Decoding never traps.
@Suite struct MalformedInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var error: WireDecodingError
        var testDescription: String { name }
    }

    /// `count` levels of `Recursive.child`, innermost empty.
    static func nested(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<count {
            var prefix: [UInt8] = [0x0A]
            var length = bytes.count
            while length >= 0x80 {
                prefix.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            prefix.append(UInt8(length))
            bytes = prefix + bytes
        }
        return bytes
    }

    static let cases: [Case] = [
        Case(name: "tag cut off mid-varint", bytes: [0x80], error: .truncated),
        Case(name: "varint value cut off", bytes: [0x10, 0xFF, 0xFF], error: .truncated),
        Case(name: "fixed32 value cut off", bytes: [0x15, 1, 2, 3], error: .truncated),
        Case(name: "fixed64 value cut off", bytes: [0x11, 1, 2, 3, 4, 5, 6, 7], error: .truncated),
        Case(name: "unknown fixed64 cut off", bytes: [0xC9, 0x3E, 1, 2], error: .truncated),
        Case(name: "unknown fixed32 cut off", bytes: [0xCD, 0x3E, 1], error: .truncated),
        Case(name: "length prefix cut off", bytes: [0x22, 0x80], error: .truncated),
        Case(
            name: "varint longer than ten bytes", bytes: [0x10] + Array(repeating: 0xFF, count: 10) + [0x01],
            error: .malformedVarint),
        Case(
            name: "tag varint longer than ten bytes", bytes: Array(repeating: 0x80, count: 11) + [0x01],
            error: .malformedVarint),
        Case(name: "field number 0", bytes: [0x00, 0x01], error: .invalidFieldNumber),
        Case(name: "field number 0 with length type", bytes: [0x02, 0x00], error: .invalidFieldNumber),
        Case(
            name: "field number above 2^29-1", bytes: [0xF8, 0xFF, 0xFF, 0xFF, 0x7F, 0x00], error: .invalidFieldNumber),
        Case(name: "wire type 6", bytes: [0x0E, 0x00], error: .invalidWireType(6)),
        Case(name: "wire type 7", bytes: [0x0F, 0x00], error: .invalidWireType(7)),
        Case(name: "string length past end", bytes: [0x22, 0x05, 0x61], error: .lengthPastEnd),
        Case(name: "message length past end", bytes: [0x0A, 0x7F], error: .lengthPastEnd),
        Case(
            name: "huge length", bytes: [0x22, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            error: .lengthPastEnd),
        Case(name: "unknown length-delimited past end", bytes: [0xCA, 0x3E, 0x02, 0x00], error: .lengthPastEnd),
        Case(
            name: "inner length past the embedded end", bytes: [0x0A, 0x02, 0x0A, 0x05, 0, 0, 0, 0, 0],
            error: .lengthPastEnd),
        Case(name: "101 nested messages", bytes: nested(101), error: .depthLimitExceeded),
        Case(name: "1,000 nested messages", bytes: nested(1_000), error: .depthLimitExceeded),
        Case(name: "string with invalid UTF-8", bytes: [0x22, 0x02, 0xC3, 0x28], error: .invalidUTF8),
        Case(name: "string with a lone surrogate", bytes: [0x22, 0x03, 0xED, 0xA0, 0x80], error: .invalidUTF8),
        Case(name: "string with an overlong encoding", bytes: [0x22, 0x02, 0xC0, 0xAF], error: .invalidUTF8),
        Case(name: "end-group without a group", bytes: [0x0C], error: .malformedGroup),
        Case(name: "group closed by another field", bytes: [0xCB, 0x3E, 0xD4, 0x3E], error: .malformedGroup),
        Case(name: "group never closed", bytes: [0xCB, 0x3E, 0x08, 0x01], error: .truncated),
        Case(
            name: "groups nested past the limit",
            bytes: Array(repeating: 0xCB, count: 1) + Array(repeating: [0xCB, 0x3E], count: 101).flatMap { $0 },
            error: .depthLimitExceeded),
    ]

    @Test(arguments: cases)
    func malformedInputThrowsItsError(_ testCase: Case) {
        #expect(throws: testCase.error) { try Recursive(serializedBytes: testCase.bytes) }
    }

    static let allKindsCases: [Case] = [
        Case(
            name: "packed fixed32 length not a multiple of 4", bytes: [0xFA, 0x02, 0x03, 1, 2, 3],
            error: .malformedPackedField),
        Case(
            name: "packed double length not a multiple of 8", bytes: [0xCA, 0x02, 0x04, 1, 2, 3, 4],
            error: .malformedPackedField),
        Case(name: "packed varints cut off inside the run", bytes: [0xEA, 0x02, 0x02, 0x01, 0x80], error: .truncated),
        Case(name: "packed run past end", bytes: [0xEA, 0x02, 0x09, 0x01], error: .lengthPastEnd),
        Case(name: "map entry past end", bytes: [0xEA, 0x03, 0x10, 0x0A], error: .lengthPastEnd),
        Case(
            name: "map key with invalid UTF-8", bytes: [0xEA, 0x03, 0x04, 0x0A, 0x02, 0xFF, 0xFE], error: .invalidUTF8),
        Case(name: "oneof string with invalid UTF-8", bytes: [0xBA, 0x04, 0x01, 0x80], error: .invalidUTF8),
        Case(name: "nested message truncated", bytes: [0x8A, 0x01, 0x03, 0x08], error: .lengthPastEnd),
        Case(name: "timestamp seconds cut off", bytes: [0x8A, 0x05, 0x02, 0x08, 0x80], error: .truncated),
    ]

    @Test(arguments: allKindsCases)
    func malformedFieldOfEachKindThrowsItsError(_ testCase: Case) {
        #expect(throws: testCase.error) { try AllKinds(serializedBytes: testCase.bytes) }
    }

    @Test func exactlyOneHundredNestedMessagesDecode() throws {
        var message = try Recursive(serializedBytes: Self.nested(100))
        var depth = 0
        while let child = message.child {
            depth += 1
            message = child
        }
        #expect(depth == 100)
    }

    @Test func everyTruncationOfAValidMessageThrowsInsteadOfTrapping() throws {
        var generator = AllKindsGenerator(seed: 7)
        for _ in 0..<50 {
            let bytes = generator.message().serializedBytes()
            for end in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                // A prefix is either a valid message (cut between fields) or throws; never traps.
                _ = try? AllKinds(serializedBytes: Array(bytes[0..<end]))
            }
        }
        let full = AllKinds.with { $0.fString = "abc" }.serializedBytes()
        #expect(throws: WireDecodingError.lengthPastEnd) { try AllKinds(serializedBytes: Array(full.dropLast())) }
    }
}
