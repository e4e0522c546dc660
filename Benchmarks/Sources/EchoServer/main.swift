import HTTP2
import NIOPosix
import RPC

#if canImport(Glibc)
    import Glibc
#endif

// echo-server: /bench.Echo/Unary on this project's HTTP/2 transport, returning each request
// message unchanged. One event-loop thread, so that it can be pinned to one core.
//   EchoServer --port N [--busy-poll-us N]   (ServerConfiguration.busyPoll; off by default)

let arguments = CommandLine.arguments
guard let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count, let port = Int(arguments[index + 1])
else {
    print("usage: EchoServer --port N")
    exit(2)
}
var busyPoll: Duration?
if let index = arguments.firstIndex(of: "--busy-poll-us"), index + 1 < arguments.count,
    let microseconds = Int(arguments[index + 1])
{
    busyPoll = .microseconds(microseconds)
}
var router = Router()
router.register(
    ServerHandler(
        method: MethodDescriptor(service: "bench.Echo", method: "Unary", kind: .unary),
        body: .unary { request, _ in request }))
let server = HTTP2Server(
    configuration: ServerConfiguration(host: "127.0.0.1", port: port, busyPoll: busyPoll), router: router,
    group: MultiThreadedEventLoopGroup(numberOfThreads: 1))
try await server.start()
print("listening on \(port)")
fflush(nil)
while true { try await Task.sleep(for: .seconds(3_600)) }
