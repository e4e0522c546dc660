import OversightDelivery
import ReturnsService
import Runtime

// returns: the Returns service process. `returns --help` lists its settings; it needs
// `--peer orders=host:port --peer refunds=host:port`.
let process = ServiceProcess.fromCommandLine(name: "returns")
await process.main {
    let database = try await process.openDatabase(schema: ReturnsService.schema)
    let service = ReturnsService(
        database: database, orders: process.client(for: "orders"), refunds: process.client(for: "refunds"),
        logger: process.logger, clock: process.clock)
    try await process.run(
        services: [service], files: ReturnsService.protoFiles, policy: ReturnsService.accessPolicy,
        relays: [process.oversightRelay(for: database)], background: [service.refundFollowUp()])
}
