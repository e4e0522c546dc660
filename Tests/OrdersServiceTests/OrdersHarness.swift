import CommonAPI
import Crypto
import Foundation
import GRDB
import OrdersAPI
import OrdersService
import OversightAPI
import RPC
import Runtime
import Storage
import Synchronization
import TestSupport
import Wire

/// The Orders service on a real SQLite file behind the real router, authentication and access
/// policy, called through the in-process transport with real tokens; its clock is settable.
final class OrdersHarness: Sendable {
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")

    let directory: String
    let database: ServiceDatabase
    let router: Router
    let clock = TestClock(Date(timeIntervalSince1970: 1_790_812_800))

    /// "Now" for the service: 2026-10-01 plus whatever the test advanced.
    var now: Date { clock.now }

    convenience init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID())").path
        try self.init(
            database: ServiceDatabase(
                directory: directory, name: "orders", schema: OrdersService.schema,
                readCacheBudget: ServiceDatabase.defaultReadCacheBudget),
            directory: directory)
    }

    /// The service on a PostgreSQL database of its own on the test server (``PostgresTestDatabase``).
    static func postgres() async throws -> OrdersHarness {
        let url = try await PostgresTestDatabase.create()
        let database = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 4),
            schema: OrdersService.schema)
        return OrdersHarness(database: database, directory: "")
    }

    /// The service on `database`; `directory` (if any) is removed with the harness.
    init(database: ServiceDatabase, directory: String) {
        self.directory = directory
        self.database = database
        let service = OrdersService(database: database, clock: { [clock] in clock.now })
        let verifier = TokenVerifier(key: Self.key.publicKey, issuer: "support-platform", audience: "support")
        router = Router(services: [service]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: OrdersService.accessPolicy)
        ])
    }

    deinit {
        database.close()
        if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Moves the clock forward.
    func advance(days: Double) {
        clock.advance(days * 86_400)
    }

    /// A client calling as `subject` in `role`.
    func client(_ subject: String, _ role: Role) throws -> Orders.Client {
        let token = try Self.minter.mint(subject: subject, role: role)
        return Orders.Client(
            RPCClient(
                transport: InProcessTransport(router: router), interceptors: [BearerTokenInterceptor(token: token)]))
    }

    /// The platform (a service caller).
    func platform() throws -> Orders.Client { try client("storefront", .service) }

    /// The carrier (the only service caller that records tracking events).
    func carrier() throws -> Orders.Client { try client("carrier", .service) }
    /// An agent.
    func agent() throws -> Orders.Client { try client("agent-1", .agent) }

    /// An order for `customer` placed `daysAgo` days before now, in EUR.
    func order(_ id: String, customer: String = "customer-1", daysAgo: Double = 5, region: String = "EU")
        -> OrdersAPI.Order
    {
        let placed = now.addingTimeInterval(-daysAgo * 86_400)
        return OrdersAPI.Order.with {
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
                $0.recipient = "Ana Lima"; $0.line1 = "Rua A 1"; $0.city = "Lisboa"; $0.postalCode = "1000-001"
                $0.countryCode = "PT"
            }
            $0.placedAt = Timestamp(placed)
            $0.fairness = FairnessAttributes.with { $0.region = region }
        }
    }

    /// Imports `order`.
    @discardableResult
    func importOrder(_ order: OrdersAPI.Order) async throws -> OrdersAPI.Order {
        try await platform().importOrder(
            ImportOrderRequest.with {
                $0.idempotencyKey = "import-\(order.orderID)"
                $0.order = order
            })
    }

    /// Records a tracking event `hoursAgo` hours before now.
    @discardableResult
    func track(_ orderID: String, _ status: OrdersAPI.TrackingStatus, hoursAgo: Double, id: String? = nil) async throws
        -> OrdersAPI.Order
    {
        let eventID = id ?? "\(orderID)-\(status)-\(hoursAgo)"
        return try await carrier().recordTrackingEvent(
            RecordTrackingEventRequest.with {
                $0.idempotencyKey = "track-\(eventID)"
                $0.orderID = orderID
                $0.event = OrdersAPI.TrackingEvent.with {
                    $0.eventID = eventID; $0.carrier = "DHL"; $0.trackingNumber = "T-\(orderID)"; $0.status = status
                    $0.description = "scan"; $0.occurredAt = Timestamp(now.addingTimeInterval(-hoursAgo * 3_600))
                }
            })
    }

    /// Rows in a table, and pending outbox events: "nothing changed" checks.
    func counts() async throws -> [String: Int] {
        try await database.snapshot { db in
            var counts: [String: Int] = [:]
            for table in [
                "orders", "order_lines", "order_tracking_events", "issues", "issue_log", "outbox", "idempotency",
            ] {
                counts[table] = try db.fetchCount("SELECT COUNT(*) FROM \(table)")
            }
            counts["order-states"] = try db.fetchCount("SELECT CAST(COALESCE(SUM(status), 0) AS BIGINT) FROM orders")
            counts["line-quantities"] = try db.fetchCount(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines")
            return counts
        }
    }

    /// The events waiting in the outbox for Oversight, oldest first.
    func outboxEvents() async throws -> [CommonAPI.Event] {
        try await database.snapshot { db in
            try db.fetchRows("SELECT payload FROM outbox ORDER BY sequence").map {
                try CommonAPI.Event(serializedBytes: $0.bytes(0))
            }
        }
    }
}
