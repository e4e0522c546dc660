import OrdersService
import OversightDelivery
import Runtime

// orders: the Orders service process. `orders --help` lists its settings.
let process = ServiceProcess.fromCommandLine(name: "orders")
await process.main {
    let database = try await process.openDatabase(schema: OrdersService.schema)
    try await process.run(
        services: [OrdersService(database: database, clock: process.clock)], files: OrdersService.protoFiles,
        policy: OrdersService.accessPolicy, relays: [process.oversightRelay(for: database)])
}
