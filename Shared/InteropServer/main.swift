import GRPCServices
import HTTP2
import Interop
import InteropAPI
import RPC
import Wire

#if canImport(Glibc)
    import Glibc
#endif

// interop-server: grpc.testing.TestService over plaintext HTTP/2, for gRPC's interop tests, with
// the standard health and reflection services.
//   interop-server --port N

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let portText = argument("--port"), let port = Int(portText), (0...65_535).contains(port) else {
    print("usage: interop-server --port N")
    exit(2)
}
var router = Router(services: [InteropTestService()])
router.addStandardServices(
    health: HealthService(), files: [.grpcTestingTest, .grpcTestingMessages, .grpcTestingEmpty])
let server = HTTP2Server(
    configuration: ServerConfiguration(host: argument("--host") ?? "127.0.0.1", port: port), router: router)
let bound = try await server.start()
print("interop-server listening on port \(bound)")
fflush(nil)
while true { try await Task.sleep(for: .seconds(3_600)) }
