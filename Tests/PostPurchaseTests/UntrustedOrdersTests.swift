import CommonAPI
import Crypto
import Foundation
import OrdersAPI
import RPC
import RefundsAPI
import RefundsService
import ReturnsAPI
import ReturnsService
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Returns and Refunds treat Orders' answers as bytes from the network like any other: a time
/// outside google.protobuf.Timestamp's range, a negative payment or amounts whose product
/// overflows are refused with a status instead of being computed with. Orders here is a peer on
/// its own router that answers GetPurchaseFacts with whatever a test gives it.
@Suite struct UntrustedOrdersTests {
    /// The real Returns and Refunds services (own SQLite files, real routers and access policies)
    /// asking a stand-in Orders that answers `facts`.
    final class Peers: Sendable {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("untrusted-\(UUID())").path
        let returnsDatabase: ServiceDatabase
        let refundsDatabase: ServiceDatabase
        let returnsRouter: Router
        let refundsRouter: Router
        let now = Date(timeIntervalSince1970: 1_790_812_800)

        init(facts: OrdersAPI.PurchaseFacts) throws {
            var orders = Router()
            orders.addUnary(Orders.Method.getPurchaseFacts) { (_: GetPurchaseFactsRequest, _) in facts }
            let ordersLink = RPCClient(transport: InProcessTransport(router: orders))
            let verifier = TokenVerifier(
                key: PostPurchaseHarness.key.publicKey, issuer: "support-platform", audience: "support")
            let clock: @Sendable () -> Date = { [now] in now }
            returnsDatabase = try ServiceDatabase(
                directory: directory, name: "returns", schema: ReturnsService.schema)
            refundsDatabase = try ServiceDatabase(
                directory: directory, name: "refunds", schema: RefundsService.schema)
            let refunds = RefundsService(database: refundsDatabase, orders: ordersLink, clock: clock)
            refundsRouter = Router(services: [refunds]).intercepted(by: [
                AuthenticationInterceptor(verifier: verifier, policy: RefundsService.accessPolicy)
            ])
            let returns = ReturnsService(
                database: returnsDatabase, orders: ordersLink,
                refunds: RPCClient(transport: InProcessTransport(router: refundsRouter)), clock: clock)
            returnsRouter = Router(services: [returns]).intercepted(by: [
                AuthenticationInterceptor(verifier: verifier, policy: ReturnsService.accessPolicy)
            ])
        }

        deinit {
            returnsDatabase.close()
            refundsDatabase.close()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func client(_ router: Router, _ subject: String, _ role: Role) throws -> RPCClient {
            RPCClient(
                transport: InProcessTransport(router: router),
                interceptors: [
                    BearerTokenInterceptor(token: try PostPurchaseHarness.minter.mint(subject: subject, role: role))
                ])
        }

        func returns() throws -> Returns.Client { Returns.Client(try client(returnsRouter, "customer-1", .customer)) }
        func refunds() throws -> Refunds.Client { Refunds.Client(try client(refundsRouter, "agent-1", .agent)) }
    }

    /// Facts of a delivered order of customer-1 (2 x 25.00 EUR, paid 50.00), changed by `change`.
    static func facts(_ change: (inout OrdersAPI.PurchaseFacts) -> Void = { _ in }) -> OrdersAPI.PurchaseFacts {
        var facts = OrdersAPI.PurchaseFacts.with {
            $0.orderID = "o-1"; $0.customerID = "customer-1"; $0.status = .delivered
            $0.paid = Money.with {
                $0.minorUnits = 5_000; $0.currencyCode = "EUR"
            }
            $0.deliveredAt = Timestamp(seconds: 1_790_812_800 - 5 * 86_400)
            $0.lines = [
                OrderLine.with {
                    $0.lineNumber = 1; $0.sku = "KET-1"; $0.quantity = 2
                    $0.unitPrice = Money.with {
                        $0.minorUnits = 2_500; $0.currencyCode = "EUR"
                    }
                }
            ]
            $0.fairness = FairnessAttributes.with { $0.region = "EU" }
        }
        change(&facts)
        return facts
    }

    static let returnOne = RequestReturnRequest.with {
        $0.idempotencyKey = "open-1"; $0.orderID = "o-1"; $0.reason = .productDefect; $0.remedy = .refund
        $0.lines = [
            ReturnsAPI.ReturnLine.with {
                $0.lineNumber = 1; $0.quantity = 2
            }
        ]
    }

    @Test func factsWithinRangeAreUsed() async throws {
        let peers = try Peers(facts: Self.facts())
        let answer = try await peers.returns().checkEligibility(CheckEligibilityRequest.with { $0.orderID = "o-1" })
        #expect(answer.eligible)
        #expect(answer.daysSinceDelivery == 5)
        let opened = try await peers.returns().requestReturn(Self.returnOne)
        #expect(opened.refundAmount?.minorUnits == 5_000)
    }

    @Test(arguments: [
        ("delivered_at", Timestamp(seconds: Int64.max)),
        ("delivered_at", Timestamp(seconds: 1_790_000_000, nanos: -5)),
        ("fairness.account_created_at", Timestamp(seconds: Int64.min)),
    ])
    func returnsRefusesATimeOutsideTheRange(field: String, time: Timestamp) async throws {
        let peers = try Peers(
            facts: Self.facts {
                if field == "delivered_at" { $0.deliveredAt = time } else { $0.fairness?.accountCreatedAt = time }
            })
        for call in [
            { _ = try await peers.returns().checkEligibility(CheckEligibilityRequest.with { $0.orderID = "o-1" }) },
            { _ = try await peers.returns().requestReturn(Self.returnOne) },
        ] as [@Sendable () async throws -> Void] {
            let error = await rpcError(call)
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message.hasPrefix("Orders' facts of order 'o-1' are unusable: \(field)") == true)
        }
    }

    @Test func returnsRefusesLinesWhoseValueOverflows() async throws {
        let peers = try Peers(facts: Self.facts { $0.lines[0].unitPrice?.minorUnits = Int64.max / 2 + 1 })
        let error = await rpcError { _ = try await peers.returns().requestReturn(Self.returnOne) }
        // Shares of what was paid are computed from the facts, so the overflow makes them unusable.
        #expect(error?.code == .failedPrecondition)
        #expect(
            error?.message == "Orders' facts of order 'o-1' are unusable: the value of order 'o-1''s lines overflows")
    }

    @Test func returnsRefusesANegativeLine() async throws {
        let peers = try Peers(facts: Self.facts { $0.lines[0].quantity = -1 })
        let error = await rpcError { _ = try await peers.returns().requestReturn(Self.returnOne) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("lines[0] has a negative quantity or price") == true)
    }

    @Test func refundsRefusesANegativePaymentAndATimeOutsideTheRange() async throws {
        let request = CreateRefundRequest.with {
            $0.idempotencyKey = "r-1"; $0.orderID = "o-1"
            $0.amount = Money.with {
                $0.minorUnits = 100; $0.currencyCode = "EUR"
            }
            $0.source = RefundSource.with { $0.kind = .agentNote("goodwill") }
        }
        let negative = try Peers(facts: Self.facts { $0.paid?.minorUnits = Int64.min })
        let refused = await rpcError { _ = try await negative.refunds().createRefund(request) }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message == "order 'o-1' has no payment in a known currency")

        let far = try Peers(facts: Self.facts { $0.fairness?.accountCreatedAt = Timestamp(seconds: Int64.max) })
        let unusable = await rpcError { _ = try await far.refunds().createRefund(request) }
        #expect(unusable?.code == .failedPrecondition)
        #expect(unusable?.message.contains("fairness.account_created_at") == true)

        let fine = try Peers(facts: Self.facts())
        let created = try await fine.refunds().createRefund(request)
        #expect(created.amount?.minorUnits == 100)
    }
}
