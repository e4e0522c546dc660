import Foundation
import Runtime
import Testing

/// Time-ordered UUIDs (version 7): the time in their first 48 bits, version and variant set,
/// distinct at the same millisecond, and their lowercased strings (the record ids) sort by time.
@Suite struct TimeOrderedUUIDTests {
    /// The first six bytes of `uuid` as a number: its milliseconds since 1970.
    static func milliseconds(_ uuid: UUID) -> UInt64 {
        let bytes = uuid.uuid
        return [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(0) { $0 << 8 | UInt64($1) }
    }

    @Test func carriesTheMillisecondAndIsVersionSeven() {
        let date = Date(timeIntervalSince1970: 1_796_077_410.7309)
        let uuids = (0..<1_000).map { _ in UUID.timeOrdered(at: date) }
        #expect(Set(uuids).count == uuids.count, "74 random bits keep ids made at one millisecond apart")
        for uuid in uuids {
            #expect(Self.milliseconds(uuid) == 1_796_077_410_730)
            #expect(uuid.uuid.6 >> 4 == 7)
            #expect(uuid.uuid.8 >> 6 == 0b10)
        }
    }

    @Test func idsMadeLaterSortAfter() {
        var date = Date(timeIntervalSince1970: 1_700_000_000)
        var previous = UUID.timeOrdered(at: date).uuidString.lowercased()
        for step: TimeInterval in [0.001, 0.002, 1, 60, 86_400, 400 * 86_400] {
            date += step
            let next = UUID.timeOrdered(at: date).uuidString.lowercased()
            #expect(previous < next, "\(previous) then \(next), \(step) s later")
            previous = next
        }
    }

    @Test func datesOutsideTheRangeAreClamped() {
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: -5))) == 0)
        #expect(Self.milliseconds(.timeOrdered(at: .distantPast)) == 0)
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: .nan))) == 0)
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: 1e15))) == 0xFFFF_FFFF_FFFF)
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: .infinity))) == 0xFFFF_FFFF_FFFF)
    }
}
