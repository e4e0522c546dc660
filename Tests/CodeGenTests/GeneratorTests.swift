import Foundation
import Testing
import Wire

@testable import CodeGen

/// The generator run in-process on protoc's own description of the test protos.
@Suite struct GeneratorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Builds the CodeGeneratorRequest protoc would send for `file` under `Tests/Protos`.
    static func request(for file: String, parameter: String, root protoRoot: String = "Tests/Protos") throws -> [UInt8]
    {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("set-\(UUID()).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "protoc", "-I", root.appendingPathComponent(protoRoot).path, "-I", "/usr/include",
            "--include_imports", "--include_source_info", "--descriptor_set_out=\(output.path)", file,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        // A FileDescriptorSet holds files as field 1; a CodeGeneratorRequest as field 15.
        let set = [UInt8](try Data(contentsOf: output))
        var request: [UInt8] = []
        append(field: 1, file, to: &request)
        append(field: 2, parameter, to: &request)
        var index = 0
        while index < set.count {
            let (tag, afterTag) = try readVarint(set, at: index)
            try #require(tag == 10)
            let (length, afterLength) = try readVarint(set, at: afterTag)
            request += [122] + varint(length) + set[afterLength..<afterLength + length]
            index = afterLength + length
        }
        return request
    }

    static func readVarint(_ bytes: [UInt8], at start: Int) throws -> (Int, Int) {
        var value = 0
        var shift = 0
        var index = start
        while true {
            let byte = try #require(index < bytes.count ? bytes[index] : nil)
            value |= Int(byte & 0x7F) << shift
            index += 1
            if byte < 0x80 { return (value, index) }
            shift += 7
        }
    }

    static func append(field: UInt8, _ string: String, to bytes: inout [UInt8]) {
        bytes += [field << 3 | 2] + varint(string.utf8.count) + Array(string.utf8)
    }

    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    @Test func generatedTestProtoMatchesTheCommittedFile() throws {
        let bytes = try Self.request(
            for: "support/testing/v1/wire_test.proto", parameter: "module=support.testing.v1:WireFixtures")
        let request = try CodeGeneratorRequest(serializedBytes: bytes)
        #expect(request.filesToGenerate == ["support/testing/v1/wire_test.proto"])
        #expect(request.protoFiles.map(\.name).contains("google/protobuf/timestamp.proto"))
        let files = try SwiftGenerator(request: request).generate()
        try #require(files.count == 1)
        #expect(files[0].name == "support/testing/v1/wire_test.pb.swift")
        let committed = try String(
            contentsOf: Self.root.appendingPathComponent("Tests/WireFixtures/wire_test.pb.swift"), encoding: .utf8)
        #expect(files[0].content == committed)
    }

    @Test func responseEncodesFilesAndTheProto3OptionalFeature() throws {
        let response = CodeGeneratorResponse(files: [GeneratedFile(name: "a.pb.swift", content: "x")])
        // error absent; supported_features = 1; file { name = "a.pb.swift", content = "x" }
        let expected: [UInt8] = [16, 1, 122, 15, 10, 10] + Array("a.pb.swift".utf8) + [122, 1] + Array("x".utf8)
        #expect(response.serializedBytes() == expected)
        let failure = CodeGeneratorResponse(error: "bad")
        #expect(failure.serializedBytes() == [10, 3] + Array("bad".utf8) + [16, 1])
    }

    @Test func unknownOptionsAndTypesAreReportedNotCrashedOn() throws {
        let bytes = try Self.request(for: "support/testing/v1/wire_test.proto", parameter: "colour=blue")
        let request = try CodeGeneratorRequest(serializedBytes: bytes)
        #expect(throws: GeneratorError.self) { try SwiftGenerator(request: request) }
        #expect(throws: WireDecodingError.self) { try CodeGeneratorRequest(serializedBytes: [122, 5, 1]) }
    }
}
