import CommonAPI
import Foundation
import OversightAPI
import OversightService
import RPC
import Runtime
import TestSupport
import Testing
import Wire

/// Each event is accepted only from the service that owns its aggregate (and refund events only
/// from Refunds), so no caller can write another service's report facts or take over the owner
/// of another service's case; only the platform services record events at all.
@Suite struct OversightEventOwnershipTests {
    static func event(
        _ id: String, source: String, type: String, id aggregateID: String, _ kind: EventKind, customer: String
    ) -> Event {
        var event = OversightHarness.event(id, kind, caseID: aggregateID, minutes: 1, customer: customer)
        event.sourceService = source
        event.aggregateType = type
        if kind == .refundOpened || kind == .refundFinished {
            event.refund = RefundDetail.with {
                $0.completed = true
                $0.expectedBy = Timestamp(OversightHarness.start.addingTimeInterval(86_400))
            }
        }
        return event
    }

    func refundsOnTime(_ harness: OversightHarness) async throws -> Int64 {
        let report = try await harness.client("auditor-1", .auditor).getReport(
            GetReportRequest.with {
                $0.from = Timestamp(OversightHarness.start)
                $0.to = Timestamp(OversightHarness.start.addingTimeInterval(86_400))
            })
        return report.refundSla?.onTime ?? 0
    }

    @Test func refundFactsComeOnlyFromRefunds() async throws {
        let harness = try OversightHarness()
        try await harness.record(
            [Self.event("r-1", source: "refunds", type: "refund", id: "RF-1", .refundOpened, customer: "ben")],
            as: "refunds")
        let before = try await refundsOnTime(harness)
        for source in ["orders", "returns", "inquiries"] {
            let forgedEvent = Self.event(
                "f-\(source)", source: source, type: "refund", id: "RF-1", .refundFinished, customer: "ben")
            let forged = await rpcError { _ = try await harness.record([forgedEvent], as: source) }
            #expect(forged?.code == .permissionDenied, "\(source)")
            // Nor on an aggregate of its own: a refund kind is about a refund.
            let ownType = source == "orders" ? "order" : source == "returns" ? "return" : "ticket"
            let mislabelledEvent = Self.event(
                "m-\(source)", source: source, type: ownType, id: "RF-1", .refundFinished, customer: "ben")
            let mislabelled = await rpcError { _ = try await harness.record([mislabelledEvent], as: source) }
            #expect(mislabelled?.code == .permissionDenied, "\(source)")
        }
        let outsider = await rpcError {
            _ = try await harness.record(
                [Self.event("s-1", source: "storefront", type: "refund", id: "RF-1", .refundFinished, customer: "ben")],
                as: "storefront")
        }
        #expect(outsider?.code == .permissionDenied)
        #expect(try await refundsOnTime(harness) == before)

        try await harness.record(
            [Self.event("r-2", source: "refunds", type: "refund", id: "RF-1", .refundFinished, customer: "ben")],
            as: "refunds")
        #expect(try await refundsOnTime(harness) == before + 1)
    }

    @Test func aCaseCannotBeTakenOverByAnotherService() async throws {
        let harness = try OversightHarness()
        let forged = await rpcError {
            _ = try await harness.record(
                [Self.event("i-1", source: "inquiries", type: "order", id: "O-1", .interaction, customer: "mallory")],
                as: "inquiries")
        }
        #expect(forged?.code == .permissionDenied)
        #expect(forged?.message.contains("aggregate_type 'order' is not one of inquiries's") == true)
        try await harness.record(
            [Self.event("o-1", source: "orders", type: "order", id: "O-1", .interaction, customer: "hugo")])

        func rate(_ customer: String) async -> RPCError? {
            await rpcError {
                _ = try await harness.client(customer, .customer).recordRating(
                    RecordRatingRequest.with {
                        $0.idempotencyKey = "rate-\(customer)"; $0.aggregateType = "order"; $0.aggregateID = "O-1"
                        $0.score = 1
                    })
            }
        }
        #expect(await rate("mallory")?.code == .notFound)
        #expect(await rate("hugo") == nil)
        let records = try await harness.client("audit-1", .auditor).listAuditRecords(ListAuditRecordsRequest())
        #expect(!records.records.contains { $0.event?.sourceService == "inquiries" })
    }

    @Test func onlyNamedServicesMayCallOversight() {
        let policy = OversightService.accessPolicy
        for method in Oversight.Method.all {
            let expected: Set<String> =
                switch method.method {
                case "RecordEvents": ["orders", "returns", "refunds", "inquiries"]
                case "RecordRating", "FileComplaint": ["storefront"]
                default: []
                }
            #expect(policy.services(for: method) == expected, "\(method.method)")
        }
    }
}
