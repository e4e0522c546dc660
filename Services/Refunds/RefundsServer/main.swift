import OversightDelivery
import RefundsService
import Runtime

// refunds: the Refunds service process. `refunds --help` lists its settings; it needs
// `--peer orders=host:port` to learn what orders paid.
let process = ServiceProcess.fromCommandLine(name: "refunds")
await process.main {
    let database = try await process.openDatabase(schema: RefundsService.schema)
    let service = RefundsService(database: database, orders: process.client(for: "orders"), clock: process.clock)
    try await process.run(
        services: [service], files: RefundsService.protoFiles, policy: RefundsService.accessPolicy,
        relays: [process.oversightRelay(for: database)], background: [service.slaMonitor()])
}
