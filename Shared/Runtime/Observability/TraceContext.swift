/// A W3C Trace Context position (`traceparent: 00-<trace-id>-<parent-id>-<flags>`): the trace a
/// call belongs to and the span that made it. Each service hop keeps the trace id and starts a new
/// span, so one customer action can be followed across every service it touches.
public struct TraceContext: Sendable, Hashable {
    /// 32 lowercase hex digits, never all zero.
    public let traceID: String
    /// 16 lowercase hex digits naming the current span, never all zero.
    public let spanID: String
    /// The `sampled` flag.
    public let sampled: Bool

    /// A context with the given parts (already validated).
    init(traceID: String, spanID: String, sampled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// A new trace, for a call that arrived without one.
    public static func newTrace() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), sampled: true)
    }

    /// The context of a `traceparent` header, or `nil` if the header is absent or malformed (the
    /// specification says to start a new trace then).
    public init?(traceparent header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, Self.isHex(parts[0]), parts[0] != "ff",
            parts[1].count == 32, Self.isHex(parts[1]), parts[1].contains(where: { $0 != "0" }),
            parts[2].count == 16, Self.isHex(parts[2]), parts[2].contains(where: { $0 != "0" }),
            parts[3].count == 2, Self.isHex(parts[3]), let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        // Version 00 has exactly four parts; later versions may append more.
        if parts[0] == "00", parts.count != 4 { return nil }
        self.init(traceID: String(parts[1]), spanID: String(parts[2]), sampled: flags & 1 == 1)
    }

    /// A child span in the same trace: what a server records for the call it handles.
    public func child() -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.randomHex(bytes: 8), sampled: sampled)
    }

    /// The `traceparent` header naming this span as the parent.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")"
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `bytes` random bytes (never all zero) as lowercase hex: one random word per 8 bytes (from
    /// ``RandomWords``: the system's generator, 64 words per system call), written straight into
    /// the string.
    static func randomHex(bytes: Int) -> String {
        var generator = RandomWords()
        while true {
            var allZero = true
            let text = String(unsafeUninitializedCapacity: bytes * 2) { buffer in
                var word: UInt64 = 0
                for index in 0..<bytes {
                    if index % 8 == 0 { word = generator.next() }
                    let byte = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    if byte != 0 { allZero = false }
                    buffer[2 * index] = hexDigits[Int(byte >> 4)]
                    buffer[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
                }
                return bytes * 2
            }
            if !allZero { return text }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
