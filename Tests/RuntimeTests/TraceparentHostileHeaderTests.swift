import Runtime
import Testing

/// `traceparent` parsing now reads the ids with `UInt64(_:radix:)`, which takes a sign, upper
/// case and (as `Character`s) more than the W3C grammar allows: only 2, 32 and 16 lowercase hex
/// digits pass, whatever the header tries, and two headers naming the same span are equal.
@Suite struct TraceparentHostileHeaderTests {
    static let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let span = "00f067aa0ba902b7"

    @Test(arguments: [
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // a sign in the high word
        "00-4bf92f3577b34da6+3ce929d0e0e4736-00f067aa0ba902b7-01",  // a sign in the low word
        "00-4bf92f3577b34da6a3ce929d0e0e4736-+0f067aa0ba902b7-01",  // a sign in the span
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-+1",  // a sign in the flags
        "0+-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // a sign in the version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902B7-01",  // upper case in the span
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",  // upper case in the flags
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // leading space
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",  // trailing space
        "00-4bf92f3577b34da6a3ce929d0e0e4736- 0f067aa0ba902b7-01",  // a space inside
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b70-01",  // overlong span
        "00-4bf92f3577b34da6a3ce929d0e0e47360-00f067aa0ba902b7-01",  // overlong trace
        "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // overlong version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",  // overlong flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902\u{FF14}7-01",  // a full-width digit
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902\u{0663}7-01",  // an Arabic-Indic digit
        "00-4bf92f3577b34da6a3ce929d0e0e473e\u{301}-00f067aa0ba902b7-01",  // 32 characters, 34 bytes
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b\u{301}-01",  // 16 characters, 17 bytes
        "00-0000000000000000000000000000000-00f067aa0ba902b7-01",  // 31 zeros
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // an all-zero trace
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // an all-zero span
        "00-0x000000000000000a3ce929d0e0e4736-00f067aa0ba902b7-01",  // a radix prefix
        "00--4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // an empty part
    ])
    func aHostileHeaderStartsANewTrace(_ header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test func halvesOfZeroAreAcceptedWhenTheOtherIsNot() throws {
        for trace in ["0000000000000000a3ce929d0e0e4736", "4bf92f3577b34da60000000000000000"] {
            let header = "00-\(trace)-\(Self.span)-01"
            let context = try #require(TraceContext(traceparent: header))
            #expect(context.traceID == trace)
            #expect(context.traceparent == header)
        }
    }

    @Test func theSameSpanIsEqualAndHashesAlikeAndAChildIsAnotherSpan() throws {
        let header = "00-\(Self.trace)-\(Self.span)-01"
        let first = try #require(TraceContext(traceparent: header))
        let second = try #require(TraceContext(traceparent: header))
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        let unsampled = try #require(TraceContext(traceparent: "00-\(Self.trace)-\(Self.span)-00"))
        #expect(unsampled != first)
        // Flags other than `sampled` do not make another context.
        #expect(TraceContext(traceparent: "00-\(Self.trace)-\(Self.span)-03") == first)
        let child = first.child()
        #expect(child != first)
        #expect(child.traceID == first.traceID)
        #expect(child.spanID != first.spanID)
        #expect(child.spanID.utf8.count == 16)
    }
}
