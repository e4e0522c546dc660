import Foundation
import Runtime
import Synchronization
import Testing

/// UUID.timeOrdered(at:) as a record id: a million made at the same millisecond (also from many
/// threads at once) never repeat, and each of the 74 random bits is set about half the time
/// while the time, version and variant bits are exactly what they must be.
@Suite struct TimeOrderedUUIDAttackTests {
    /// One millisecond every id of these tests is made at.
    static let date = Date(timeIntervalSince1970: 1_796_077_410.730)

    @Test func aMillionAtOneMillisecondFromEightThreadsAreDistinct() async {
        let all = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<125_000).map { _ in UUID.timeOrdered(at: Self.date) } } }
            var all: [UUID] = []
            for await part in group { all += part }
            return all
        }
        #expect(all.count == 1_000_000)
        #expect(Set(all).count == all.count)
        #expect(all.allSatisfy { $0.uuid.6 >> 4 == 7 && $0.uuid.8 >> 6 == 0b10 })
        #expect(all.allSatisfy { UUID(uuidString: $0.uuidString) == $0 })
    }

    @Test func everyRandomBitIsSetAboutHalfTheTime() {
        let count = 100_000
        var ones = [Int](repeating: 0, count: 128)
        for _ in 0..<count {
            let id = UUID.timeOrdered(at: Self.date)
            let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
            for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
        }
        // Fixed bits: the 48-bit millisecond (bits 0-47), version 0111 (48-51), variant 10 (64-65).
        let milliseconds: UInt64 = 1_796_077_410_730
        var fixed: [Int: Bool] = [48: false, 49: true, 50: true, 51: true, 64: true, 65: false]
        for bit in 0..<48 { fixed[bit] = (milliseconds >> UInt64(47 - bit)) & 1 == 1 }
        for bit in 0..<128 {
            if let set = fixed[bit] {
                #expect(ones[bit] == (set ? count : 0), "bit \(bit)")
            } else {
                // 6 standard deviations (sqrt(n)/2 = 158) either side of half.
                #expect(abs(ones[bit] - count / 2) < 950, "bit \(bit): \(ones[bit]) of \(count)")
            }
        }
    }
}
