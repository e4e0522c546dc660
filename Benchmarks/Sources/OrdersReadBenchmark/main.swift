import CommonAPI
import Foundation
import GRDB
import OrdersAPI
import OrdersService
import RPC
import Runtime
import Storage
import Wire

// Read latency of the Orders service as its store grows: GetOrder, GetOrderStatus and a
// ListOrders page, through the service's router (handlers, store, SQLite file on disk), with
// 1,000 and then 1,000,000 orders in the database. Flat means the indexes do their work.
//   swift run -c release OrdersReadBenchmark [sizes...] (default: 1000 1000000)

/// Sets an agent caller on every call (the benchmark measures reads, not token checks).
struct AgentCaller: ServerInterceptor {
    func intercept<Result: Sendable>(
        _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
    ) async throws -> Result {
        var context = context
        context.caller = Caller(subject: "bench-agent", role: "agent")
        return try await next(context)
    }
}

func order(_ index: Int, customers: Int, now: Date) -> OrdersAPI.Order {
    let placed = now.addingTimeInterval(-Double(index % 700) * 3_600 - 60)
    return OrdersAPI.Order.with {
        $0.orderID = "order-\(index)"
        $0.customerID = "customer-\(index % customers)"
        $0.lines = (1...3).map { line in
            OrderLine.with {
                $0.lineNumber = Int32(line); $0.sku = "SKU-\(line)"; $0.title = "Product \(line)"; $0.quantity = 1
                $0.unitPrice = Money.with {
                    $0.minorUnits = 1_000 * Int64(line); $0.currencyCode = "EUR"
                }
            }
        }
        $0.payments = [
            Payment.with {
                $0.paymentID = "pay-\(index)"; $0.method = "card"; $0.capturedAt = Timestamp(placed)
                $0.amount = Money.with {
                    $0.minorUnits = 6_000; $0.currencyCode = "EUR"
                }
            }
        ]
        $0.shippingAddress = Address.with {
            $0.recipient = "Customer \(index)"; $0.line1 = "Street \(index)"; $0.city = "Lisboa"
            $0.postalCode = "1000-001"; $0.countryCode = "PT"
        }
        $0.placedAt = Timestamp(placed)
        $0.fairness = FairnessAttributes.with { $0.region = ["EU", "NA", "APAC"][index % 3] }
    }
}

func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
    let index = min(sorted.count - 1, Int(Double(sorted.count) * fraction))
    let value = sorted[index].components
    return Double(value.seconds) * 1e6 + Double(value.attoseconds) / 1e12
}

func measure(_ count: Int, _ call: (Int) async throws -> Void) async throws -> (p50: Double, p99: Double) {
    for index in 0..<min(count, 1_000) { try await call(index) }
    var samples: [Duration] = []
    samples.reserveCapacity(count)
    let clock = ContinuousClock()
    for index in 0..<count {
        let start = clock.now
        try await call(index)
        samples.append(clock.now - start)
    }
    samples.sort()
    return (percentile(samples, 0.5), percentile(samples, 0.99))
}

/// One size's measurements. A nonisolated function, so the calls it times run on the global
/// executor as a server's handlers do (top-level code is main-actor isolated, and every call from
/// it would pay two extra thread hops).
func run(size: Int) async throws -> [(size: Int, name: String, p50: Double, p99: Double)] {
    var results: [(size: Int, name: String, p50: Double, p99: Double)] = []
    let directory = NSTemporaryDirectory() + "orders-read-bench-\(size)"
    try? FileManager.default.removeItem(atPath: directory)
    let database = try ServiceDatabase(directory: directory, name: "orders", schema: OrdersService.schema)
    let now = Date()
    let service = OrdersService(database: database, clock: { now })
    let customers = max(1, size / 10)
    let seedStart = ContinuousClock.now
    var next = 0
    while next < size {
        let batch = (next..<min(size, next + 10_000)).map { order($0, customers: customers, now: now) }
        try await service.seed(batch)
        next += batch.count
    }
    print("seeded \(size) orders in \(ContinuousClock.now - seedStart)")
    let client = Orders.Client(
        RPCClient(transport: InProcessTransport(router: Router(services: [service]).intercepted(by: [AgentCaller()]))))
    var generator = SystemRandomNumberGenerator()
    let ids = (0..<20_000).map { _ in Int.random(in: 0..<size, using: &generator) }
    let get = try await measure(ids.count) { index in
        _ = try await client.getOrder(GetOrderRequest.with { $0.orderID = "order-\(ids[index])" })
    }
    let status = try await measure(ids.count) { index in
        _ = try await client.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "order-\(ids[index])" })
    }
    let list = try await measure(5_000) { index in
        _ = try await client.listOrders(
            ListOrdersRequest.with {
                $0.customerID = "customer-\(ids[index] % customers)"
                $0.page = PageRequest.with { $0.pageSize = 10 }
            })
    }
    // For comparison: the same row read through GRDB's async API, which hops to a reader queue
    // and back (the service hands reads to its own read threads; see ServiceDatabase.read).
    let raw = try await measure(ids.count) { index in
        let id = "order-\(ids[index])"
        _ = try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT customer_id FROM orders WHERE order_id = ?", arguments: [id])
        }
    }
    let direct = try await measure(ids.count) { index in
        _ = try await database.read { db in
            try String.fetchOne(
                db, sql: "SELECT customer_id FROM orders WHERE order_id = ?", arguments: ["order-\(ids[index])"])
        }
    }
    results += [
        (size, "GRDB async read", raw.p50, raw.p99),
        (size, "database.read", direct.p50, direct.p99),
        (size, "GetOrder", get.p50, get.p99), (size, "GetOrderStatus", status.p50, status.p99),
        (size, "ListOrders (10)", list.p50, list.p99),
    ]
    database.close()
    try? FileManager.default.removeItem(atPath: directory)
    return results
}

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
var results: [(size: Int, name: String, p50: Double, p99: Double)] = []
for size in sizes.isEmpty ? [1_000, 1_000_000] : sizes {
    results += try await run(size: size)
}

print("\nsize       call              p50 us   p99 us")
for result in results {
    print(
        String(result.size).padding(toLength: 10, withPad: " ", startingAt: 0) + " "
            + result.name.padding(toLength: 16, withPad: " ", startingAt: 0)
            + String(format: "%8.1f %8.1f", result.p50, result.p99))
}
if let smallest = results.first?.size, let largest = results.last?.size, smallest != largest {
    print("\nlatency at \(largest) orders / at \(smallest) orders (p50, p99):")
    for name in ["GetOrder", "GetOrderStatus", "ListOrders (10)"] {
        guard let small = results.first(where: { $0.size == smallest && $0.name == name }),
            let large = results.first(where: { $0.size == largest && $0.name == name })
        else { continue }
        print("  \(name): \(String(format: "%.2fx, %.2fx", large.p50 / small.p50, large.p99 / small.p99))")
    }
}
