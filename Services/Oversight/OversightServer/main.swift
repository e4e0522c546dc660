import OversightService
import Runtime

// oversight: the Oversight service process. `oversight --help` lists its settings.
let process = ServiceProcess.fromCommandLine(name: "oversight")
await process.main {
    let database = try await process.openDatabase(schema: OversightService.schema)
    let checkpointing = AuditCheckpointing(
        key: process.signingKey, keys: process.keys, everyEvents: process.configuration.checkpointEvery,
        everySeconds: process.configuration.checkpointSeconds)
    let service = OversightService(
        database: database, checkpointing: checkpointing, inquiries: process.client(for: "inquiries"),
        clock: process.clock)
    try await process.run(
        services: [service], files: OversightService.protoFiles, policy: OversightService.accessPolicy,
        background: [service.chainMonitor(), service.reportMonitor()])
}
