import Foundation
import RPC
import Runtime
import Testing
import Wire

/// Dates and google.protobuf.Timestamp: times from the network are range-checked into an
/// INVALID_ARGUMENT naming the field; a date made in the process never traps on the way out.
@Suite struct TimestampDateTests {
    @Test(arguments: [
        (Timestamp(seconds: Int64.max), "outside the range"), (Timestamp(seconds: Int64.min), "outside the range"),
        (Timestamp(seconds: 253_402_300_800), "outside the range"),
        (Timestamp(seconds: -62_135_596_801), "outside the range"), (Timestamp(seconds: 0, nanos: -1), "nanos -1"),
        (Timestamp(seconds: 0, nanos: 1_000_000_000), "nanos 1000000000"),
    ])
    func aTimeOutsideTheProtobufRangeIsInvalidArgument(_ time: Timestamp, _ expected: String) {
        let error = #expect(throws: RPCError.self) { _ = try time.validDate("order.placed_at") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("order.placed_at") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(!time.isValid)
    }

    @Test func theEndsOfTheRangeAreValidAndRoundTrip() throws {
        let first = Timestamp(seconds: -62_135_596_800)
        let last = Timestamp(seconds: 253_402_300_799, nanos: 999_999_999)
        #expect(try first.validDate("t") == Date(timeIntervalSince1970: -62_135_596_800))
        #expect(Timestamp(try first.validDate("t")) == first)
        #expect(Timestamp(try last.validDate("t")).seconds == last.seconds)
        #expect(
            try Timestamp(seconds: 1_790_812_800, nanos: 250_000_000).validDate("t").timeIntervalSince1970
                == 1_790_812_800.25)
    }

    // Seconds since 1970 rather than dates as arguments: Foundation's Date.description itself
    // traps on such dates, and Swift Testing describes its arguments.
    @Test(arguments: [
        (9.3e18, Timestamp(seconds: 253_402_300_799, nanos: 999_999_999)),
        (Double.infinity, Timestamp(seconds: 253_402_300_799, nanos: 999_999_999)),
        (-9.3e18, Timestamp(seconds: -62_135_596_800)), (Double.nan, Timestamp(seconds: 0)),
        (1_790_812_800.5, Timestamp(seconds: 1_790_812_800, nanos: 500_000_000)),
    ])
    func aDateBecomesATimestampWithinTheRangeWithoutTrapping(_ interval: Double, _ expected: Timestamp) {
        let timestamp = Timestamp(Date(timeIntervalSince1970: interval))
        #expect(timestamp == expected)
        #expect(timestamp.isValid)
    }
}
