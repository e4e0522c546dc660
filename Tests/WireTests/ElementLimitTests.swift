import Testing
import Wire
import WireFixtures

/// The decoder's element budget: every field value, repeated element and embedded message costs
/// one, and a message that needs more than the budget is refused with `elementLimitExceeded`.
@Suite struct ElementLimitTests {
    /// `AllKinds.r_message` (field 57, length-delimited) holding `count` empty `Nested` entries.
    static func emptyMessages(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 3)
        for _ in 0..<count { bytes += [0xCA, 0x03, 0x00] }
        return bytes
    }

    /// A length prefix as a varint.
    static func varint(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// One `Nested` with two scalars and three leaves: 2 + 3 embedded messages + 3 values = 8.
    static let eightElements = Nested.with {
        $0.a = 1
        $0.b = "b"
        $0.leaves = [1, 2, 3].map { value in Leaf.with { $0.value = value } }
    }

    @Test func messageNeedingExactlyTheLimitDecodes() throws {
        let decoded = try Nested(serializedBytes: Self.eightElements.serializedBytes(), elementLimit: 8)
        #expect(decoded == Self.eightElements)
    }

    @Test func oneElementPastTheLimitIsRefused() {
        #expect(throws: WireDecodingError.elementLimitExceeded(7)) {
            try Nested(serializedBytes: Self.eightElements.serializedBytes(), elementLimit: 7)
        }
    }

    @Test func millionsOfEmptyEmbeddedMessagesStopAtTheDefaultLimit() {
        let bytes = Self.emptyMessages(1_400_000)  // about 4 MiB
        #expect(throws: WireDecodingError.elementLimitExceeded(WireReader.defaultElementLimit)) {
            try AllKinds(serializedBytes: bytes)
        }
    }

    @Test func packedVarintsCountEachValue() {
        let values = [UInt8](repeating: 0x01, count: 11)
        let bytes: [UInt8] = [0xEA, 0x02] + Self.varint(values.count) + values  // r_int32, packed
        #expect(throws: WireDecodingError.elementLimitExceeded(10)) {
            try AllKinds(serializedBytes: bytes, elementLimit: 10)
        }
        #expect((try? AllKinds(serializedBytes: bytes, elementLimit: 12))?.rInt32.count == 11)
    }

    @Test func packedFixedWidthRunIsChargedBeforeItIsRead() {
        let run = [UInt8](repeating: 0, count: 4 * 200_000)
        let bytes: [UInt8] = [0xD2, 0x02] + Self.varint(run.count) + run  // r_float, packed
        #expect(throws: WireDecodingError.elementLimitExceeded(WireReader.defaultElementLimit)) {
            try AllKinds(serializedBytes: bytes)
        }
        #expect((try? AllKinds(serializedBytes: bytes, elementLimit: 200_001))?.rFloat.count == 200_000)
    }

    @Test func largeLegitimateMessageDecodesWithinTheDefaultLimit() throws {
        // 10,000 entries of 9 elements each: 90,000, under the default budget.
        let message = AllKinds.with {
            $0.rMessage = (0..<10_000).map { index in
                Nested.with {
                    $0.a = Int32(index)
                    $0.b = "entry \(index)"
                    $0.leaves = [Leaf.with { $0.value = 1 }, Leaf.with { $0.value = 2 }, Leaf.with { $0.value = 3 }]
                }
            }
        }
        #expect(try AllKinds(serializedBytes: message.serializedBytes()) == message)
    }

    @Test func errorNamesTheLimit() {
        #expect(WireDecodingError.elementLimitExceeded(100).description == "message holds more than 100 values")
    }
}
