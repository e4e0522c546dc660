import Testing

@testable import CodeGen

@Suite struct SwiftNamingTests {
    @Test(arguments: [
        ("order_id", "orderID"), ("line1", "line1"), ("f_uint64", "fUint64"), ("customer_ids", "customerIDs"),
        ("label_url", "labelURL"), ("id", "id"), ("minor_units", "minorUnits"),
    ])
    func fieldNamesBecomeLowerCamelCase(_ name: String, _ expected: String) {
        #expect(SwiftNaming.lowerCamel(name) == expected)
    }

    @Test(arguments: [
        ("ORDER_STATUS_IN_TRANSIT", "OrderStatus", "inTransit"), ("COLOR_RED", "Color", "red"),
        ("ISSUE_CAUSE_SHIPPING", "IssueCause", "shipping"), ("COMPRESSABLE", "PayloadType", "compressable"),
        ("HTTP2_ERROR_1", "Http2Error", "_1"),
    ])
    func enumValuesLoseTheirTypePrefix(_ value: String, _ enumName: String, _ expected: String) {
        #expect(SwiftNaming.enumCase(value: value, enumName: enumName) == expected)
    }

    @Test func keywordsAreEscaped() {
        #expect(SwiftNaming.escaped("default") == "`default`")
        #expect(SwiftNaming.escaped("case") == "`case`")
        #expect(SwiftNaming.escaped("order") == "order")
    }

    @Test func moduleNamesDeriveFromPackagesUnlessGiven() throws {
        let options = try GeneratorOptions(parameter: "module=grpc.testing:InteropAPI")
        #expect(options.module(for: "grpc.testing") == "InteropAPI")
        #expect(options.module(for: "support.orders.v1") == "OrdersAPI")
        #expect(options.module(for: "google.protobuf") == "Wire")
        #expect(throws: GeneratorError.self) { try GeneratorOptions(parameter: "modules=x") }
    }
}
