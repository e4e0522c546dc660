import InquiriesService
import OversightDelivery
import Runtime

// inquiries: the Inquiries service process. `inquiries --help` lists its settings.
let process = ServiceProcess.fromCommandLine(name: "inquiries")
await process.main {
    let database = try await process.openDatabase(schema: InquiriesService.schema)
    try await process.run(
        services: [InquiriesService(database: database, clock: process.clock)], files: InquiriesService.protoFiles,
        policy: InquiriesService.accessPolicy, relays: [process.oversightRelay(for: database)])
}
