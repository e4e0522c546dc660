import BenchMessages
import Foundation
import OrdersAPI
import SwiftProtobuf
import SwiftProtobufMessages
import Wire

// Encode and decode of a small and a large message with the project's codec and with
// swift-protobuf, generated from the same .proto files, in the same process. Rounds of the two
// codecs alternate so that both see the same machine state; medians are reported.

/// One benchmark: the same bytes produced and consumed by both codecs.
struct Case {
    let name: String
    let iterations: Int
    let encodeOurs: () -> Int
    let encodeTheirs: () throws -> Int
    let decodeOurs: () throws -> Int
    let decodeTheirs: () throws -> Int
}

func makeCase<Ours: WireMessage, Theirs: SwiftProtobuf.Message>(
    _ name: String, iterations: Int, ours: Ours, theirs: Theirs.Type
) throws -> Case {
    let bytes = ours.serializedBytes()
    let theirsMessage = try Theirs(serializedBytes: bytes)
    let theirBytes: [UInt8] = try theirsMessage.serializedBytes()
    guard theirBytes == bytes else {
        print("error: the two codecs encode \(name) differently")
        exit(1)
    }
    guard try Ours(serializedBytes: bytes) == ours else {
        print("error: \(name) does not round-trip")
        exit(1)
    }
    print("\(name): \(bytes.count) bytes")
    return Case(
        name: name, iterations: iterations,
        encodeOurs: { ours.serializedBytes().count },
        encodeTheirs: { (try theirsMessage.serializedBytes() as [UInt8]).count },
        decodeOurs: { try Ours(serializedBytes: bytes).unknownFields.bytes.count + 1 },
        decodeTheirs: { try Theirs(serializedBytes: bytes).unknownFields.data.count + 1 })
}

func run(_ label: String, _ iterations: Int, ours: () throws -> Int, theirs: () throws -> Int) rethrows {
    var oursTime = Measurement()
    var theirsTime = Measurement()
    // Warm-up.
    try oursTime.record(iterations: iterations / 10 + 1, ours)
    try theirsTime.record(iterations: iterations / 10 + 1, theirs)
    oursTime.samples.removeAll()
    theirsTime.samples.removeAll()
    for _ in 0..<Measurement.rounds {
        try oursTime.record(iterations: iterations, ours)
        try theirsTime.record(iterations: iterations, theirs)
    }
    let ratio = theirsTime.median / oursTime.median
    let line =
        "  \(label.padding(toLength: 8, withPad: " ", startingAt: 0)) Wire \(format(oursTime.median)) ns/op"
        + "   swift-protobuf \(format(theirsTime.median)) ns/op   speed-up \(format(ratio, digits: 2))x"
    print(line)
}

func format(_ value: Double, digits: Int = 0) -> String {
    let scale = [1.0, 10.0, 100.0, 1000.0][min(digits, 3)]
    let rounded = (value * scale).rounded() / scale
    return digits == 0 ? String(Int(rounded)) : String(rounded)
}

let cases = try [
    makeCase(
        "small (OrderStatusReply)", iterations: 200_000, ours: Fixtures.statusReply(),
        theirs: Support_Orders_V1_OrderStatusReply.self),
    makeCase(
        "large (Order with 50 lines + Issue with 100-entry log)", iterations: 2_000, ours: Fixtures.orderWithIssue(),
        theirs: Support_Bench_V1_OrderWithIssue.self),
]
if let index = CommandLine.arguments.firstIndex(of: "--profile"), index + 1 < CommandLine.arguments.count {
    // Runs one operation of the project's codec for a profiler: --profile small-decode, ...
    let name = CommandLine.arguments[index + 1]
    let benchmark = name.hasPrefix("small") ? cases[0] : cases[1]
    let operation = name.hasSuffix("decode") ? benchmark.decodeOurs : { benchmark.encodeOurs() }
    var sink = 0
    for _ in 0..<benchmark.iterations * 10 { sink &+= try operation() }
    blackHole(sink)
    exit(0)
}
for benchmark in cases {
    print(benchmark.name)
    try run("encode", benchmark.iterations, ours: benchmark.encodeOurs, theirs: benchmark.encodeTheirs)
    try run("decode", benchmark.iterations, ours: benchmark.decodeOurs, theirs: benchmark.decodeTheirs)
}
