import ArgumentParser
import CommonAPI
import HealthAPI
import RPC
import Wire

/// `supportctl health`: the serving status of every service.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Show the health of every service.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        var rows: [[String]] = []
        var allServing = true
        for service in ["orders", "returns", "refunds", "inquiries", "oversight"] {
            let address = try connection.address(of: service)
            var status = "UNREACHABLE"
            do {
                let response = try await Health.Client(try connection.client(for: service)).check(
                    HealthCheckRequest(), options: CallOptions(timeout: .seconds(3)))
                status = Formatting.name(response.status)
            } catch let error as RPCError {
                status = "UNREACHABLE (\(error.code))"
            }
            if status != "SERVING" { allServing = false }
            rows.append([service, address, status])
        }
        Output(json: connection.json).table(["service", "address", "status"], rows)
        if !allServing { throw ExitCode(1) }
    }
}
