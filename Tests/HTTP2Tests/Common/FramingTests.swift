import NIOCore
import RPC
import Testing
import Wire

@testable import HTTP2

/// The pieces of gRPC framing, without sockets.
@Suite struct FramingTests {
    @Test func deframerSplitsMessagesAcrossArbitraryChunks() throws {
        let messages: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 7, count: 70_000), [9]]
        var wire: [UInt8] = []
        for message in messages {
            wire += [0] + withUnsafeBytes(of: UInt32(message.count).bigEndian, Array.init) + message
        }
        for chunkSize in [1, 2, 5, 7, 1_000, wire.count] {
            var deframer = MessageDeframer(maximumMessageSize: 1 << 20)
            var received: [[UInt8]] = []
            var offset = 0
            while offset < wire.count {
                let end = min(offset + chunkSize, wire.count)
                wire[offset..<end].withUnsafeBytes { deframer.append($0) }
                while let message = try deframer.next() { received.append(message.bytes) }
                offset = end
            }
            #expect(received == messages, "chunk size \(chunkSize)")
            #expect(!deframer.hasPartialMessage)
        }
    }

    @Test func deframerRefusesAnOversizedMessageFromItsPrefixAlone() {
        var deframer = MessageDeframer(maximumMessageSize: 4 * 1024 * 1024)
        ([0, 0x7F, 0xFF, 0xFF, 0xFF] as [UInt8]).withUnsafeBytes { deframer.append($0) }
        #expect(throws: MessageDeframer.Failure.messageTooLarge(length: 0x7FFF_FFFF, limit: 4 * 1024 * 1024)) {
            try deframer.next()
        }
        var flagged = MessageDeframer(maximumMessageSize: 100)
        ([2, 0, 0, 0, 0] as [UInt8]).withUnsafeBytes { flagged.append($0) }
        #expect(throws: MessageDeframer.Failure.invalidCompressionFlag(2)) { try flagged.next() }
    }

    @Test(arguments: [
        ("1S", Duration.seconds(1)), ("100m", .milliseconds(100)), ("5H", .seconds(18_000)), ("2M", .seconds(120)),
        ("99999999u", .microseconds(99_999_999)), ("7n", .nanoseconds(7)),
    ])
    func timeoutsParse(_ text: String, _ duration: Duration) {
        #expect(GRPCTimeout.parse(text) == duration)
    }

    @Test(arguments: ["", "S", "1", "123456789S", "1x", "-1S", "1.5S"])
    func malformedTimeoutsAreRejected(_ text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test func timeoutsFormatWithinEightDigitsRoundingUp() {
        #expect(GRPCTimeout.format(.milliseconds(1_500)) == "1500000u")
        #expect(GRPCTimeout.format(.nanoseconds(10)) == "10n")
        #expect(GRPCTimeout.format(.seconds(1_000_000)) == "1000000S")
        #expect(GRPCTimeout.format(.seconds(200_000_000)) == "3333334M")
        for duration in [Duration.milliseconds(1), .seconds(30), .seconds(86_400 * 365)] {
            let text = GRPCTimeout.format(duration)
            #expect(text.count <= 9)
            #expect((GRPCTimeout.parse(text) ?? .zero) >= duration)
        }
    }

    @Test func statusMessagesArePercentEncoded() {
        let message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%"
        let encoded = PercentEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(encoded.hasPrefix("%09%0Atest with whitespace"))
        #expect(PercentEncoding.decode(encoded) == message)
        #expect(PercentEncoding.decode("bad %zz and %4") == "bad %zz and %4")
    }

    @Test func binaryMetadataRoundTripsThroughBase64() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(String(Base64.encode(bytes).filter { $0 != "=" })) == bytes)
        }
        #expect(Base64.encode([0xAB, 0xAB, 0xAB]) == "q6ur")
        #expect(Base64.decode("not base64!") == nil)
    }

    @Test func gzipRoundTripsAndEnforcesTheLimit() throws {
        let message = Array(repeating: UInt8(0), count: 200_000)
        let compressed = Gzip.compress(message)
        #expect(compressed.count < 1_000)
        #expect(try Gzip.decompress(compressed, limit: 200_000) == message)
        #expect(throws: Gzip.Failure.tooLarge(limit: 100_000)) { try Gzip.decompress(compressed, limit: 100_000) }
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress([1, 2, 3, 4], limit: 100) }
    }

    @Test func requestHeadsAreValidated() throws {
        let valid: HeaderList = [
            (":method", "POST"), (":scheme", "http"), (":path", "/a.B/C"), ("content-type", "application/grpc+proto"),
            ("te", "trailers"), ("grpc-timeout", "250m"), ("grpc-encoding", "gzip"),
            ("grpc-accept-encoding", "identity, gzip"), ("x-custom", "v"), ("x-data-bin", "q6ur"),
        ]
        let head = try RequestHead(valid)
        #expect(head.path == "/a.B/C")
        #expect(head.timeout == .milliseconds(250))
        #expect(head.requestEncodingIsGzip)
        #expect(head.acceptsGzip)
        #expect(head.metadata["x-custom"] == "v")
        #expect(head.metadata.binary("x-data-bin") == [0xAB, 0xAB, 0xAB])
        #expect(head.metadata["te"] == nil)

        var wrongType = valid
        wrongType[3] = ("content-type", "application/json")
        #expect(
            throws: RequestHead.Rejection.http(
                status: 415, reason: "content-type application/json is not application/grpc")
        ) {
            try RequestHead(wrongType)
        }
        var wrongEncoding = valid
        wrongEncoding[6] = ("grpc-encoding", "snappy")
        #expect(throws: RequestHead.Rejection.self) { try RequestHead(wrongEncoding) }
        var wrongMethod = valid
        wrongMethod[0] = (":method", "GET")
        #expect(throws: RequestHead.Rejection.self) { try RequestHead(wrongMethod) }
    }
}

/// gRPC's connection backoff, without sockets.
@Suite struct ConnectionBackoffTests {
    @Test func delaysGrowByTheMultiplierUpToTheMaximumWithinTheJitter() {
        var backoff = ConnectionBackoff()
        var random = SystemRandomNumberGenerator()
        var expected = 1.0
        for _ in 0..<20 {
            let delay = backoff.nextDelay(using: &random)
            let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
            #expect(seconds >= expected * 0.8 - 1e-9 && seconds <= expected * 1.2 + 1e-9)
            expected = min(120, expected * 1.6)
        }
        backoff.reset()
        let first = backoff.nextDelay(using: &random)
        #expect(first >= .milliseconds(800) && first <= .milliseconds(1_200))
    }
}
