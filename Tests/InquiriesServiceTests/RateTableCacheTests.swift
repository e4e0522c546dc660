import CommonAPI
import Crypto
import InquiriesAPI
import InquiriesService
import RPC
import Runtime
import Testing
import Wire

/// Conversions use the newest rate table, decoded once per version (and, on SQLite, kept until a
/// command publishes another: ``Storage/ReadCache``): a table published through another service
/// on the same database (on PostgreSQL, as another replica would; on SQLite, where one process
/// owns the file, a second service in the same process) is used by the next conversion all the
/// same. On SQLite and, when configured, PostgreSQL.
@Suite struct RateTableCacheTests {
    static func publish(_ client: Inquiries.Client, key: String, usd: String) async throws -> InquiriesAPI.RateTable {
        try await client.publishRateTable(
            PublishRateTableRequest.with {
                $0.idempotencyKey = key; $0.baseCurrency = "EUR"
                $0.rates = [("EUR", 2, "1"), ("USD", 2, usd)].map { code, digits, rate in
                    CurrencyRate.with {
                        $0.currencyCode = code; $0.minorDigits = Int32(digits); $0.unitsPerBase = rate
                    }
                }
            })
    }

    static func convert(_ client: Inquiries.Client) async throws -> InquiriesAPI.CurrencyConversion {
        try await client.convertCurrency(
            ConvertCurrencyRequest.with {
                $0.amount = Money.with {
                    $0.minorUnits = 10_000; $0.currencyCode = "EUR"
                }
                $0.targetCurrency = "USD"
            })
    }

    @Test func aTablePublishedThroughAnotherReplicaIsUsedByTheNextConversion() async throws {
        try await InquiriesServiceTests.withService { database, router in
            let verifier = TokenVerifier(
                key: InquiriesServiceTests.key.publicKey, issuer: "support-platform", audience: "support")
            let replica = Router(services: [InquiriesService(database: database)]).intercepted(by: [
                AuthenticationInterceptor(verifier: verifier, policy: InquiriesService.accessPolicy)
            ])
            let agentHere = try InquiriesServiceTests.client(router, "agent-1", .agent)
            let agentThere = try InquiriesServiceTests.client(replica, "agent-1", .agent)
            let customer = try InquiriesServiceTests.client(router, "customer-1", .customer)

            #expect(try await Self.publish(agentHere, key: "rates-1", usd: "1.5").version == 1)
            let first = try await Self.convert(customer)
            #expect(first.converted?.minorUnits == 15_000)
            #expect(first.rateTableVersion == 1)
            // Again from the kept table: the same answer.
            #expect(try await Self.convert(customer) == first)

            #expect(try await Self.publish(agentThere, key: "rates-2", usd: "2").version == 2)
            let second = try await Self.convert(customer)
            #expect(second.converted?.minorUnits == 20_000)
            #expect(second.rateTableVersion == 2)
            #expect(second.rule?.ruleID == "FX-RATE-TABLE-2")
        }
    }
}
