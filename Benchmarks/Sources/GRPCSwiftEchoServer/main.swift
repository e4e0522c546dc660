import GRPCCore
import GRPCNIOTransportHTTP2
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

// The same /bench.Echo/Unary on grpc-swift-2 with its NIO HTTP/2 transport, one event-loop
// thread. Messages are raw bytes (no protobuf), as in the project's echo server.
//   GRPCSwiftEchoServer --port N

struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

struct RawDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] {
        bytes.withUnsafeBytes { Array($0) }
    }
}

struct EchoService: RegistrableRPCService {
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: MethodDescriptor(
                service: ServiceDescriptor(fullyQualifiedService: "bench.Echo"), method: "Unary"),
            deserializer: RawDeserializer(), serializer: RawSerializer()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: single.message))
        }
    }
}

let arguments = CommandLine.arguments
guard let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count, let port = Int(arguments[index + 1])
else {
    print("usage: GRPCSwiftEchoServer --port N")
    exit(2)
}
let server = GRPCServer(
    transport: .http2NIOPosix(
        address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext,
        eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1)),
    services: [EchoService()])
print("listening on \(port)")
fflush(nil)
try await server.serve()
