import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// Regressions the fuzz targets found (their inputs are also seeds in Tests/FuzzCorpus): the
/// largest `grpc-timeout` the header allows, 99999999H (about 3.6 * 10^20 ns), overflowed Int64
/// nanoseconds both when a server turned it into a timer (the transport's own `TimeAmount`
/// conversion, now NIO's clamping one) and when a client formatted a deadline that long.
@Suite struct TimeoutRangeTests {
    @Test(arguments: [Duration.seconds(359_999_996_400), .seconds(9_000_000_000), .seconds(Int64.max)])
    func theLongestTimeoutsFormatAsTheLongestHeader(_ duration: Duration) {
        #expect(GRPCTimeout.format(duration) == "99999999H")
    }

    @Test func aDeadlineJustShortOfTheOverflowStillFormatsExactly() {
        #expect(GRPCTimeout.format(.seconds(8_999_999_999)) == "2500000H")
    }

    @Test(arguments: [
        (Duration.seconds(359_999_996_400), Int64.max), (.milliseconds(1_500), 1_500_000_000),
    ])
    func aTimeAmountClampsInsteadOfOverflowing(_ duration: Duration, _ nanoseconds: Int64) {
        #expect(TimeAmount(duration).nanoseconds == nanoseconds)
    }

    @Test func aCallWithTheLongestTimeoutIsServed() throws {
        let channel = try ServerConnectionHandlerTests.makeChannel()
        let client = try ServerConnectionHandlerTests.TestClient()
        let headers: HeaderList = [
            (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Unary"), (":authority", "test"),
            ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "99999999H"),
        ]
        let id = try client.session.submitRequest(headers: headers)
        client.body[id] = [0, 0, 0, 0, 2, 7, 8]
        try client.exchange(with: channel)
        let blocks = try #require(client.headers[id])
        #expect(ServerConnectionHandlerTests.value("grpc-status", in: blocks.last) == "0")
        #expect(client.data[id] == [0, 0, 0, 0, 2, 7, 8])
    }
}
