import Foundation
import Interop
import InteropAPI
import Runtime

// interop-server: grpc.testing.TestService for gRPC's interop tests, run as a service process
// (health, reflection, logs, metrics, SIGTERM drain) with the test service open to all callers.
//   interop-server --port N [--data-dir DIR] [any service flag; --help lists them]

var arguments = Array(CommandLine.arguments.dropFirst())
if !arguments.contains("--data-dir") {
    arguments += ["--data-dir", NSTemporaryDirectory() + "interop-server"]
}
let process = ServiceProcess.fromCommandLine(name: "interop", arguments: arguments)
await process.main {
    try await process.run(
        services: [InteropTestService()], files: [.grpcTestingTest, .grpcTestingMessages, .grpcTestingEmpty],
        policy: AccessPolicy([:], alsoPublic: [TestService.serviceName]))
}
