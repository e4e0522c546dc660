import RPC
import Testing

/// Metadata keys are kept and looked up in lower case, whatever case they are given in.
@Suite struct MetadataKeyCaseTests {
    @Test func keysAreLowerCasedWhenAddedAndLookedUp() {
        var metadata = Metadata()
        metadata.add("Authorization", "Bearer x")
        metadata.add("x-trace", "1")
        metadata.add("X-Data-Bin", binary: [1, 2])
        #expect(metadata.map(\.key) == ["authorization", "x-trace", "x-data-bin"])
        #expect(metadata["authorization"] == "Bearer x")
        #expect(metadata["AUTHORIZATION"] == "Bearer x")
        #expect(metadata["X-Trace"] == "1")
        #expect(metadata.binary("x-data-BIN") == [1, 2])
        metadata.remove("X-TRACE")
        #expect(metadata["x-trace"] == nil)
        let literal: Metadata = ["Content-Type": "application/grpc"]
        #expect(literal.map(\.key) == ["content-type"])
    }

    @Test func aNonASCIIKeyIsLowerCasedByUnicode() {
        var metadata = Metadata()
        metadata.add("ÄB", "1")
        #expect(metadata.map(\.key) == ["äb"])
        #expect(metadata["äB"] == "1")
    }
}
