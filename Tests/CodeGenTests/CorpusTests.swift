import CodeGenFixtures
import Foundation
import RPC
import Testing
import Wire
import WireFixtures

@testable import CodeGen

/// The generator on its corpus of tricky protos (Tests/Protos/support/codegen): its output is
/// exactly the committed Tests/CodeGenFixtures (which the package compiles), and the compiled
/// types behave: keyword names, nested and renamed types, oneofs, maps, optional presence, enum
/// aliases and unknown values, and service descriptors.
@Suite struct CorpusTests {
    static let parameter =
        "module=support.codegen.v1:CodeGenFixtures,module=support.codegen.other.v1:CodeGenFixtures,"
        + "module=support.testing.v1:WireFixtures"

    @Test(arguments: [
        ("support/codegen/v1/tricky.proto", "tricky.pb.swift"),
        ("support/codegen/other/v1/other.proto", "other.pb.swift"),
    ])
    func generatedOutputMatchesTheCommittedFile(proto: String, expected: String) throws {
        let request = try CodeGeneratorRequest(
            serializedBytes: GeneratorTests.request(for: proto, parameter: Self.parameter))
        let files = try SwiftGenerator(request: request).generate()
        try #require(files.count == 1)
        let committed = try String(
            contentsOf: GeneratorTests.root.appendingPathComponent("Tests/CodeGenFixtures/\(expected)"),
            encoding: .utf8)
        #expect(files[0].content == committed)
    }

    @Test func keywordNamedFieldsRoundTrip() throws {
        let message = Keywords.with {
            $0.`class` = "c"
            $0.`self` = "s"
            $0.`default` = -3
            $0.`protocol` = true
            $0.`in` = ["a", "b"]
            $0.`where` = ""
            $0.`switch` = .`protocol`
            $0.`case` = .`for`(7)
            $0.type = Keywords.Type_.with { $0.`init` = "i" }
        }
        let decoded = try Keywords(serializedBytes: message.serializedBytes())
        #expect(decoded == message)
        #expect(decoded.`where` == "")
        #expect(Keywords.Type_.protoMessageName == "support.codegen.v1.Keywords.Type")
        // `default` is field 3, a varint: tag 24, then -3 as a ten-byte two's complement varint.
        let defaultOnly = Keywords.with { $0.`default` = -3 }.serializedBytes()
        #expect(defaultOnly.first == 24)
        #expect(defaultOnly.count == 11)
    }

    @Test func enumsDropTheirPrefixKeepKeywordsAndDecodeAliasesAndUnknownValues() throws {
        #expect(PackSize(rawValue: 1) == .single)
        #expect(PackSize(rawValue: 2) == ._2x)
        #expect(PackSize.bulkOrder.rawValue == 3)
        #expect(Keyword(rawValue: 1) == .`self`)
        #expect(Keyword(rawValue: 3) == .type)
        #expect(Label.Color(rawValue: 2) == .green)
        // An unnamed value survives a round trip.
        let bytes: [UInt8] = [56, 9]  // field 7 (switch) = 9
        let decoded = try Keywords(serializedBytes: bytes)
        #expect(decoded.`switch` == .unrecognized(9))
        #expect(decoded.serializedBytes() == bytes)
    }

    @Test func oneofsKeepTheLastMemberOnTheWire() throws {
        let message = Choice.with {
            $0.value = .size(._2x)
            $0.otherValue = .inner(Outer.Middle.Inner.with { $0.depth = .deep })
            $0.note = "n"
        }
        #expect(try Choice(serializedBytes: message.serializedBytes()) == message)
        // text = "a" (field 1), then blob = [1] (field 2): the blob wins.
        let decoded = try Choice(serializedBytes: [10, 1, 97, 18, 1, 1])
        #expect(decoded.value == .blob([1]))
        #expect(decoded.otherValue == nil)
    }

    @Test func nestedTypesMapsAndOptionalPresence() throws {
        var inner = Outer.Middle.Inner.with { $0.depth = .shallow }
        inner.children = [Outer.Middle.Inner.with { $0.depth = .deep }]
        let message = Maps.with {
            $0.outers = ["x": Outer.with { $0.middle = Outer.Middle.with { $0.innerByName = ["i": inner] } }]
            $0.sizes = [-1: .bulkOrder, 0: .unspecified]
            $0.blobs = [0: [], 7: [1, 2]]
            $0.labels = [true: Label.with { $0.color = .red }]
            $0.waits = ["w": ProtoDuration(seconds: 1, nanos: 5)]
            $0.preferred = .unspecified
            $0.count = 0
            $0.leaf = WireFixtures.Leaf()
            $0.color = .green
        }
        let decoded = try Maps(serializedBytes: message.serializedBytes())
        #expect(decoded == message)
        // Optional fields set to their zero value are present, unset ones absent.
        #expect(decoded.preferred == .unspecified)
        #expect(decoded.count == 0)
        #expect(decoded.primary == nil)
        #expect(Maps().serializedBytes().isEmpty)
    }

    @Test func serviceDescriptorsKeepTheProtoNames() {
        #expect(Tricky.Method.`default`.method == "Default")
        #expect(Tricky.Method.`default`.kind == .unary)
        #expect(Tricky.Method.chat.kind == .bidirectionalStreaming)
        #expect(Tricky.Method.all.map(\.method) == ["Default", "Watch", "Upload", "Chat"])
        #expect(Tricky.Method.watch.service == "support.codegen.v1.Tricky")
    }
}
