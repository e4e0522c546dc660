/// One fuzz target: a name and a check that must return for every input without crashing. The
/// check answers nil, or what it found wrong with a result (an oracle beyond "did not crash"):
/// the libFuzzer driver turns that into a crash, the regression tests into a failed expectation.
public struct FuzzTarget: Sendable {
    /// The name `make fuzz` and the corpus directory use.
    public let name: String
    /// Runs one input.
    public let check: @Sendable (UnsafeRawBufferPointer) -> String?

    /// A target named `name` running `check`.
    public init(name: String, check: @escaping @Sendable (UnsafeRawBufferPointer) -> String?) {
        self.name = name
        self.check = check
    }

    /// Runs one input given as an array.
    public func check(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { check($0) }
    }

    /// Every target: the Wire decoder over the request types, request-head parsing, and the server
    /// connection handler fed raw bytes.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "wire", check: WireDecodingTarget.check),
        FuzzTarget(name: "head", check: RequestHeadTarget.check),
        FuzzTarget(name: "connection", check: ConnectionTarget.check),
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
