import Foundation
import FuzzTargets
import InquiriesAPI
import OrdersAPI
import OversightAPI
import RefundsAPI
import ReturnsAPI
import Testing
import Wire

@testable import CodeGen

/// The fuzz targets in the normal test run: every committed seed and every input a fuzzer once
/// crashed on (Tests/FuzzCorpus/<target>/) runs through its target without a crash or a finding,
/// and the Wire target covers every request type the five services declare.
@Suite struct FuzzCorpusTests {
    /// Tests/FuzzCorpus, found from this file's path.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    /// The inputs committed for `target`: its seeds and its regressions.
    static func inputs(of target: String) throws -> [(String, [UInt8])] {
        let directory = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyCommittedInputRunsWithoutAFinding(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = try Self.inputs(of: name)
        #expect(inputs.count >= 5, "the \(name) corpus has seeds")
        for (file, bytes) in inputs {
            #expect(target.check(bytes) == nil, "\(name)/\(file)")
        }
    }

    @Test func theWireTargetDecodesTheRequestTypeOfEveryMethodOfTheFiveServices() throws {
        var declared: [String] = []
        for file in [
            ProtoFile.supportOrdersV1Orders, .supportReturnsV1Returns, .supportRefundsV1Refunds,
            .supportInquiriesV1Inquiries, .supportOversightV1Oversight,
        ] {
            let descriptor = try FileDescriptor(serializedBytes: file.serializedDescriptor)
            for service in descriptor.services {
                declared += service.methods.map { String($0.inputType.dropFirst()) }
            }
        }
        #expect(declared.count > 50)
        #expect(WireRequestTypes.all.map { $0.protoMessageName } == declared)
    }

    @Test func theWireCorpusHoldsAFullyPopulatedSeedOfEveryRequestType() throws {
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs(of: "wire").filter { $0.0.hasPrefix("seed-") })
        for type in WireRequestTypes.all {
            let bytes = try #require(seeds["seed-\(type.protoMessageName)"], "a seed of \(type.protoMessageName)")
            let decoded = try type.init(serializedBytes: bytes)
            #expect(decoded.unknownFields.isEmpty, "\(type.protoMessageName): every field of the seed is known")
            #expect(decoded.serializedSize() == bytes.count, "\(type.protoMessageName): nothing lost or added")
        }
    }
}
