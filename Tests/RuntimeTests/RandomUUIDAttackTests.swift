import Foundation
import Runtime
import Synchronization
import Testing

/// UUID.random() as a record id: version 4 / variant 10 on every one, no repeats over a million
/// (also drawn from many threads at once), and each of the 122 random bits set about half the time.
@Suite struct RandomUUIDAttackTests {
    @Test func aMillionFromEightThreadsAreDistinctVersionFourVariantTen() async {
        let all = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<125_000).map { _ in UUID.random() } } }
            var all: [UUID] = []
            for await part in group { all += part }
            return all
        }
        #expect(all.count == 1_000_000)
        #expect(Set(all).count == all.count)
        #expect(all.allSatisfy { $0.uuid.6 >> 4 == 4 && $0.uuid.8 >> 6 == 0b10 })
        #expect(all.allSatisfy { UUID(uuidString: $0.uuidString) == $0 })
    }

    @Test func everyRandomBitIsSetAboutHalfTheTime() {
        let count = 100_000
        var ones = [Int](repeating: 0, count: 128)
        for _ in 0..<count {
            let id = UUID.random()
            let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
            for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
        }
        // Fixed bits: version 0100 (bits 48-51), variant 10 (bits 64-65).
        let fixed: [Int: Bool] = [48: false, 49: true, 50: false, 51: false, 64: true, 65: false]
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
