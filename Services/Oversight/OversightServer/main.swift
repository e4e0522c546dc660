import OversightService
import Runtime

// oversight: the Oversight service process. `oversight --help` lists its settings.
let process = ServiceProcess.fromCommandLine(name: "oversight")
await process.main {
    let database = try process.openDatabase(migrations: OversightService.migrations)
    try await process.run(
        services: [OversightService(database: database, inquiries: process.client(for: "inquiries"))],
        files: OversightService.protoFiles,
        policy: OversightService.accessPolicy)
}
