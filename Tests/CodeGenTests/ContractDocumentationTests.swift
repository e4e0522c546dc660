import Foundation
import Testing

@testable import CodeGen

/// The `.proto` files are the API documentation: every service, RPC, message, field, enum and
/// enum value in `proto/` must carry a comment.
@Suite struct ContractDocumentationTests {
    static let files = [
        "support/common/v1/common.proto", "support/common/v1/audit_checkpoint.proto", "support/orders/v1/orders.proto",
        "support/returns/v1/returns.proto",
        "support/refunds/v1/refunds.proto", "support/inquiries/v1/inquiries.proto",
        "support/oversight/v1/oversight.proto",
    ]

    @Test(arguments: files)
    func everyDeclarationIsCommented(_ file: String) throws {
        let bytes = try GeneratorTests.request(for: file, parameter: "", root: "proto")
        let request = try CodeGeneratorRequest(serializedBytes: bytes)
        let descriptor = try #require(request.protoFiles.first { $0.name == file })
        var missing: [String] = []
        func check(_ path: [Int32], _ name: String) {
            if descriptor.comments[path]?.trimmingWhitespace().isEmpty ?? true { missing.append(name) }
        }
        func checkEnum(_ enumType: EnumDescriptor, _ path: [Int32], _ prefix: String) {
            check(path, prefix + enumType.name)
            for (index, value) in enumType.values.enumerated() {
                check(path + [2, Int32(index)], prefix + enumType.name + "." + value.name)
            }
        }
        func checkMessage(_ message: MessageDescriptor, _ path: [Int32], _ prefix: String) {
            guard !message.isMapEntry else { return }
            let name = prefix + message.name
            check(path, name)
            for (index, field) in message.fields.enumerated() {
                check(path + [2, Int32(index)], name + "." + field.name)
            }
            for (index, nested) in message.nestedMessages.enumerated() {
                checkMessage(nested, path + [3, Int32(index)], name + ".")
            }
            for (index, nested) in message.nestedEnums.enumerated() {
                checkEnum(nested, path + [4, Int32(index)], name + ".")
            }
        }
        for (index, message) in descriptor.messages.enumerated() { checkMessage(message, [4, Int32(index)], "") }
        for (index, enumType) in descriptor.enums.enumerated() { checkEnum(enumType, [5, Int32(index)], "") }
        for (index, service) in descriptor.services.enumerated() {
            check([6, Int32(index)], service.name)
            for (methodIndex, method) in service.methods.enumerated() {
                check([6, Int32(index), 2, Int32(methodIndex)], service.name + "." + method.name)
            }
        }
        #expect(missing.isEmpty, "undocumented in \(file): \(missing)")
    }
}
