import CommonAPI
import Crypto
import Foundation
import GRDB
import MetricsTestKit
import OrdersAPI
import OrdersService
import OversightAPI
import RPC
import RefundsAPI
import RefundsService
import ReturnsAPI
import ReturnsService
import Runtime
import Storage
import TestSupport
import Wire

/// Orders, Refunds and Returns, each on its own SQLite file behind its real router and access
/// policy, wired to each other as in production (service tokens, real handlers) through the
/// in-process transport. The link from Returns to Refunds can be cut.
final class PostPurchaseHarness: Sendable {
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")

    let directory: String
    let ordersDatabase: ServiceDatabase
    let refundsDatabase: ServiceDatabase
    let returnsDatabase: ServiceDatabase
    let ordersRouter: Router
    let refundsRouter: Router
    let returnsRouter: Router
    let refundsLink: SwitchableTransport
    let refundsService: RefundsService
    let returnsService: ReturnsService
    let clock = TestClock(Date(timeIntervalSince1970: 1_790_812_800))
    /// What Refunds' metrics recorded.
    let refundsMetrics = TestMetrics()

    var now: Date { clock.now }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("post-purchase-\(UUID())").path
        ordersDatabase = try ServiceDatabase(
            directory: directory, name: "orders", schema: OrdersService.schema,
            readCacheBudget: ServiceDatabase.defaultReadCacheBudget)
        refundsDatabase = try ServiceDatabase(
            directory: directory, name: "refunds", schema: RefundsService.schema)
        returnsDatabase = try ServiceDatabase(
            directory: directory, name: "returns", schema: ReturnsService.schema)
        let verifier = TokenVerifier(key: Self.key.publicKey, issuer: "support-platform", audience: "support")
        let clock = self.clock
        let now: @Sendable () -> Date = { clock.now }
        ordersRouter = Router(services: [OrdersService(database: ordersDatabase, clock: now)]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: OrdersService.accessPolicy)
        ])
        refundsService = RefundsService(
            database: refundsDatabase,
            orders: try Self.serviceClient("refunds", InProcessTransport(router: ordersRouter)),
            metrics: refundsMetrics, clock: now)
        refundsRouter = Router(services: [refundsService]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: RefundsService.accessPolicy)
        ])
        refundsLink = SwitchableTransport(InProcessTransport(router: refundsRouter))
        returnsService = ReturnsService(
            database: returnsDatabase,
            orders: try Self.serviceClient("returns", InProcessTransport(router: ordersRouter)),
            refunds: try Self.serviceClient("returns", refundsLink), clock: now)
        returnsRouter = Router(services: [returnsService]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: ReturnsService.accessPolicy)
        ])
    }

    deinit {
        for database in [ordersDatabase, refundsDatabase, returnsDatabase] { database.close() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func serviceClient(_ name: String, _ transport: any ClientTransport) throws -> RPCClient {
        RPCClient(
            transport: transport,
            interceptors: [BearerTokenInterceptor(token: try minter.mint(subject: name, role: .service))])
    }

    func rpc(_ router: Router, _ subject: String, _ role: Role) throws -> RPCClient {
        RPCClient(
            transport: InProcessTransport(router: router),
            interceptors: [BearerTokenInterceptor(token: try Self.minter.mint(subject: subject, role: role))])
    }

    func orders(_ subject: String = "storefront", _ role: Role = .service) throws -> Orders.Client {
        Orders.Client(try rpc(ordersRouter, subject, role))
    }

    func refunds(_ subject: String = "agent-1", _ role: Role = .agent) throws -> Refunds.Client {
        Refunds.Client(try rpc(refundsRouter, subject, role))
    }

    func returns(_ subject: String = "customer-1", _ role: Role = .customer) throws -> Returns.Client {
        Returns.Client(try rpc(returnsRouter, subject, role))
    }

    /// Imports an order of two lines (2 x 25.00 + 1 x 9.00 EUR, paid 59.00) and, unless
    /// `deliveredDaysAgo` is nil, delivers it that many days before now (at 12:00 UTC).
    func order(
        _ id: String, customer: String = "customer-1", deliveredDaysAgo: Int?, region: String = "EU",
        accountAgeDays: Double = 400
    ) async throws {
        let deliveredAt = deliveredDaysAgo.map { now.addingTimeInterval(-Double($0) * 86_400 + 12 * 3_600) }
        let placed = (deliveredAt ?? now).addingTimeInterval(-3 * 86_400)
        let order = OrdersAPI.Order.with {
            $0.orderID = id
            $0.customerID = customer
            $0.lines = [
                OrderLine.with {
                    $0.lineNumber = 1; $0.sku = "KET-1"; $0.title = "Kettle"; $0.quantity = 2
                    $0.unitPrice = Money.with {
                        $0.minorUnits = 2_500; $0.currencyCode = "EUR"
                    }
                },
                OrderLine.with {
                    $0.lineNumber = 2; $0.sku = "MUG-1"; $0.title = "Mug"; $0.quantity = 1
                    $0.unitPrice = Money.with {
                        $0.minorUnits = 900; $0.currencyCode = "EUR"
                    }
                },
            ]
            $0.payments = [
                Payment.with {
                    $0.paymentID = "pay-\(id)"; $0.method = "card"; $0.capturedAt = Timestamp(placed)
                    $0.amount = Money.with {
                        $0.minorUnits = 5_900; $0.currencyCode = "EUR"
                    }
                }
            ]
            $0.shippingAddress = Address.with {
                $0.recipient = "Ana"; $0.line1 = "Rua A 1"; $0.city = "Lisboa"; $0.postalCode = "1000-001"
                $0.countryCode = "PT"
            }
            $0.placedAt = Timestamp(placed)
            $0.fairness = FairnessAttributes.with {
                $0.region = region
                $0.accountCreatedAt = Timestamp(now.addingTimeInterval(-accountAgeDays * 86_400))
            }
        }
        let platform = try orders()
        _ = try await platform.importOrder(
            ImportOrderRequest.with {
                $0.idempotencyKey = "import-\(id)"; $0.order = order
            })
        guard let deliveredAt else { return }
        for (status, at) in [
            (OrdersAPI.TrackingStatus.pickedUp, placed.addingTimeInterval(86_400)), (.delivered, deliveredAt),
        ] {
            _ = try await orders("carrier").recordTrackingEvent(
                RecordTrackingEventRequest.with {
                    $0.idempotencyKey = "track-\(id)-\(status)"
                    $0.orderID = id
                    $0.event = OrdersAPI.TrackingEvent.with {
                        $0.eventID = "\(id)-\(status)"; $0.carrier = "DHL"; $0.status = status;
                        $0.occurredAt = Timestamp(at)
                    }
                })
        }
    }

    /// Opens a return of one kettle (25.00 EUR) for `reason`, receives it, and records `finding`.
    func returnAndInspect(
        _ orderID: String, customer: String = "customer-1", reason: ReturnsAPI.ReturnReason = .productDefect,
        finding: ReturnsAPI.InspectionFinding = .confirmsReason
    ) async throws -> ReturnsAPI.Return {
        let opened = try await returns(customer).requestReturn(
            RequestReturnRequest.with {
                $0.idempotencyKey = "open-\(orderID)"; $0.orderID = orderID; $0.reason = reason; $0.remedy = .refund
                $0.lines = [
                    ReturnsAPI.ReturnLine.with {
                        $0.lineNumber = 1; $0.quantity = 1
                    }
                ]
                $0.description = "It stopped heating"
            })
        let warehouse = try returns("warehouse", .service)
        _ = try await warehouse.recordReceipt(
            RecordReceiptRequest.with {
                $0.idempotencyKey = "receive-\(opened.returnID)"
                $0.returnID = opened.returnID
            })
        return try await warehouse.recordInspection(
            RecordInspectionRequest.with {
                $0.idempotencyKey = "inspect-\(opened.returnID)"; $0.returnID = opened.returnID; $0.finding = finding;
                $0.notes = "checked"
            })
    }

    /// Every refund of an order, as Refunds lists it.
    func refundsOf(_ orderID: String) async throws -> [RefundsAPI.Refund] {
        try await refunds().listRefunds(ListRefundsRequest.with { $0.orderID = orderID }).refunds
    }

    /// Events waiting in a database's outbox.
    func outbox(_ database: ServiceDatabase) async throws -> [CommonAPI.Event] {
        try await database.snapshot { db in
            try db.fetchRows("SELECT payload FROM outbox ORDER BY sequence").map {
                try CommonAPI.Event(serializedBytes: $0.bytes(0))
            }
        }
    }
}
