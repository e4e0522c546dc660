/// A W3C Trace Context position (`traceparent: 00-<trace-id>-<parent-id>-<flags>`): the trace a
/// call belongs to and the span that made it. Each service hop keeps the trace id and starts a new
/// span, so one customer action can be followed across every service it touches.
public struct TraceContext: Sendable, Hashable {
    /// The trace id's 128 bits (never both words zero): its high word and its low word.
    private let traceHigh: UInt64, traceLow: UInt64
    /// The span id's 64 bits; never zero.
    private let span: UInt64
    /// The `sampled` flag.
    public let sampled: Bool

    /// 32 lowercase hex digits, never all zero. Written when asked for: most calls log nothing
    /// and call no other service, so their trace is never written out (issue 15: per-call work
    /// formats only what is used).
    public var traceID: String { Self.hex([traceHigh, traceLow]) }
    /// 16 lowercase hex digits naming the current span, never all zero.
    public var spanID: String { Self.hex([span]) }

    private init(trace: (high: UInt64, low: UInt64), span: UInt64, sampled: Bool) {
        self.traceHigh = trace.high
        self.traceLow = trace.low
        self.span = span
        self.sampled = sampled
    }

    /// A new trace, for a call that arrived without one.
    public static func newTrace() -> TraceContext {
        var generator = RandomWords()
        var trace = (high: generator.next(), low: generator.next())
        while trace == (0, 0) { trace = (generator.next(), generator.next()) }
        return TraceContext(trace: trace, span: randomSpan(&generator), sampled: true)
    }

    /// The context of a `traceparent` header, or `nil` if the header is absent or malformed (the
    /// specification says to start a new trace then).
    public init?(traceparent header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, Self.isHex(parts[0]), parts[0] != "ff",
            parts[1].count == 32, Self.isHex(parts[1]), parts[2].count == 16, Self.isHex(parts[2]),
            parts[3].count == 2, Self.isHex(parts[3]), let flags = UInt8(parts[3], radix: 16),
            let high = UInt64(parts[1].prefix(16), radix: 16), let low = UInt64(parts[1].suffix(16), radix: 16),
            let span = UInt64(parts[2], radix: 16), high != 0 || low != 0, span != 0
        else { return nil }
        // Version 00 has exactly four parts; later versions may append more.
        if parts[0] == "00", parts.count != 4 { return nil }
        self.init(trace: (high, low), span: span, sampled: flags & 1 == 1)
    }

    /// A child span in the same trace: what a server records for the call it handles.
    public func child() -> TraceContext {
        var generator = RandomWords()
        return TraceContext(trace: (traceHigh, traceLow), span: Self.randomSpan(&generator), sampled: sampled)
    }

    /// The `traceparent` header naming this span as the parent.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")"
    }

    private static func randomSpan(_ generator: inout RandomWords) -> UInt64 {
        var span = generator.next()
        while span == 0 { span = generator.next() }
        return span
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `words` as lowercase hex, 16 digits each, most significant first.
    private static func hex(_ words: [UInt64]) -> String {
        String(unsafeUninitializedCapacity: words.count * 16) { buffer in
            for (index, word) in words.enumerated() {
                for digit in 0..<16 {
                    buffer[index * 16 + digit] = hexDigits[Int(truncatingIfNeeded: word >> (60 - 4 * digit)) & 0x0F]
                }
            }
            return words.count * 16
        }
    }

    /// 16 lowercase hex digits of a random word, never all zero (a request id): one word from
    /// ``RandomWords`` (the system's generator, 64 words per system call), written as span ids are.
    static func randomHex() -> String {
        var generator = RandomWords()
        return hex([randomSpan(&generator)])
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
