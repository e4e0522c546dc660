import Testing

@testable import Runtime

/// Random words come from a buffer refilled 64 at a time: across several refills they keep coming
/// and do not repeat, and the ids made from them keep their shape.
@Suite struct RandomWordsTests {
    @Test func wordsAcrossSeveralRefillsAreDistinct() {
        var generator = RandomWords()
        let words = (0..<1_000).map { _ in generator.next() }
        #expect(Set(words).count == words.count)
    }

    @Test func newTracesHaveDistinctWellFormedIDs() {
        let traces = (0..<300).map { _ in TraceContext.newTrace() }
        #expect(Set(traces.map(\.traceID)).count == traces.count)
        #expect(Set(traces.map(\.spanID)).count == traces.count)
        let hex = Set("0123456789abcdef".utf8)
        for trace in traces {
            #expect(trace.traceID.utf8.count == 32 && trace.traceID.utf8.allSatisfy(hex.contains))
            #expect(trace.spanID.utf8.count == 16 && trace.spanID.utf8.allSatisfy(hex.contains))
        }
    }
}
