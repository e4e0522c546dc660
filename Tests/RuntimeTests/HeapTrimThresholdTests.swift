import Runtime
import Testing

/// A service sets glibc's heap trim threshold at start, unless the operator's environment sets
/// glibc's own tunable for it.
@Suite struct HeapTrimThresholdTests {
    @Test func glibcTakesTheThreshold() {
        #expect(HeapTrimThreshold.apply(environment: [:]) == .applied)
        #expect(HeapTrimThreshold.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]) == .applied)
    }

    @Test func anOperatorsTunableIsLeftInForce() {
        let environment = ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=1048576"]
        #expect(HeapTrimThreshold.apply(environment: environment) == .leftToEnvironment)
    }
}
