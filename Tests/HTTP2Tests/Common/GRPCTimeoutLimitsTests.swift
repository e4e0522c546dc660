import NIOCore
import Testing

@testable import HTTP2

/// The largest timeouts a peer can state parse, convert and format without overflowing.
@Suite struct GRPCTimeoutLimitsTests {
    @Test func eightDigitsOfHoursParse() {
        #expect(GRPCTimeout.parse("99999999H") == .seconds(99_999_999 * 3_600))
        #expect(GRPCTimeout.parse("99999999M") == .seconds(99_999_999 * 60))
        #expect(GRPCTimeout.parse("999999999H") == nil)
    }

    @Test func hugeDurationsSaturateAsTimeAmounts() throws {
        let hours = try #require(GRPCTimeout.parse("99999999H"))
        #expect(TimeAmount(hours) == .nanoseconds(.max))
        #expect(TimeAmount(.seconds(Int64.max)) == .nanoseconds(.max))
        #expect(TimeAmount(.milliseconds(1_500)) == .milliseconds(1_500))
    }

    @Test func hugeDurationsFormatAsTheLargestTimeout() {
        // Past about 285 years every duration is the longest header (never a shorter deadline).
        #expect(GRPCTimeout.format(.seconds(Int64.max)) == "99999999H")
        #expect(GRPCTimeout.format(.seconds(-5)) == "0n")
    }
}
