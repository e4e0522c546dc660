import CommonAPI
import InquiriesAPI
import RPC
import Runtime
import Testing
import Wire

/// Amounts and rates at the edges of what the contract allows are refused with a status, never
/// computed past the integers' range.
@Suite struct InquiriesRangeTests {
    @Test func convertingTheLargestAmountAtTheLargestRateIsRefusedAndTheServiceKeepsConverting() async throws {
        try await InquiriesServiceTests.withService { _, router in
            let agent = try InquiriesServiceTests.client(router, "agent-1", .agent)
            _ = try await agent.publishRateTable(
                PublishRateTableRequest.with {
                    $0.idempotencyKey = "rates-edge"; $0.baseCurrency = "EUR"
                    $0.rates = [("EUR", 2, "1"), ("BHD", 3, "999999999.999999999")].map { code, digits, rate in
                        CurrencyRate.with {
                            $0.currencyCode = code; $0.minorDigits = Int32(digits); $0.unitsPerBase = rate
                        }
                    }
                })
            let customer = try InquiriesServiceTests.client(router, "customer-1", .customer)
            func convert(_ minorUnits: Int64) async throws -> InquiriesAPI.CurrencyConversion {
                try await customer.convertCurrency(
                    ConvertCurrencyRequest.with {
                        $0.amount = Money.with {
                            $0.minorUnits = minorUnits; $0.currencyCode = "EUR"
                        }
                        $0.targetCurrency = "BHD"
                    })
            }
            // 10^18 minor units × 10^18 billionths × 10^3 is past Int128.
            for amount: Int64 in [1_000_000_000_000_000_000, -1_000_000_000_000_000_000] {
                let error = await #expect(throws: RPCError.self) { _ = try await convert(amount) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("too large to convert") == true)
            }
            let small = try await convert(100)
            #expect(small.converted?.minorUnits == 1_000_000_000_000)
        }
    }
}
