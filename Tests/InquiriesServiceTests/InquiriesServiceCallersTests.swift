import InquiriesAPI
import InquiriesService
import RPC
import Runtime
import Testing

/// Which services may call Inquiries, written out by hand: the storefront (chat, catalogue),
/// payments (the rate table) and Oversight (reading the rate table for its reports).
@Suite struct InquiriesServiceCallersTests {
    @Test func onlyNamedServicesMayCallInquiries() {
        let policy = InquiriesService.accessPolicy
        for method in Inquiries.Method.all {
            let expected: Set<String> =
                switch method.method {
                case "AskQuestion", "GetProduct", "ListProducts", "ConvertCurrency", "ListRules", "PublishRule",
                    "UpsertProduct":
                    ["storefront"]
                case "PublishRateTable": ["payments"]
                case "GetRateTable": ["oversight", "storefront"]
                default: []
                }
            #expect(policy.services(for: method) == expected, "\(method.method)")
            #expect(!policy.allows(Identity(subject: "orders", role: .service), method), "\(method.method)")
        }
    }
}
