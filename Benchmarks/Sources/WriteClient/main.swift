// A lean client for the fsync'd-write measurement of service_bench.py: the suite's own HTTP/2
// transport, so that the client's share of a round trip is about the transport's echo latency
// rather than grpcio's (which alone took about as long as the bare insert it is compared with).
//
//   write-client report PORT TOKEN ORDER_ID COUNT CLIENTS   ReportIssue COUNT times, fresh keys,
//                                                           over CLIENTS connections at once
//   write-client echo PORT COUNT                            the echo COUNT times, one at a time
//
// Prints one line per call ("ok <microseconds>" or "failed <status>"), then "wall <seconds>".
import Foundation
import HTTP2
import OrdersAPI
import RPC
import Runtime

/// Says how to use it and exits with status 2.
func usage() -> Never {
    FileHandle.standardError.write(
        Data("usage: write-client report PORT TOKEN ORDER_ID COUNT CLIENTS | write-client echo PORT COUNT\n".utf8))
    exit(2)
}

/// Runs `count` calls one after another, each timed.
func timed(_ count: Int, _ call: () async throws -> Void) async -> [String] {
    var lines: [String] = []
    lines.reserveCapacity(count)
    let clock = ContinuousClock()
    for _ in 0..<count {
        let start = clock.now
        do {
            try await call()
            let elapsed = clock.now - start
            lines.append(
                "ok \(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)")
        } catch let error as RPCError {
            lines.append("failed \(error.code)")
        } catch {
            lines.append("failed \(error)")
        }
    }
    return lines
}

let arguments = CommandLine.arguments
let clock = ContinuousClock()
let start = clock.now
var output: [String] = []
switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
case ("report", 7):
    guard let port = Int(arguments[2]), let count = Int(arguments[5]), let clients = Int(arguments[6]), clients > 0
    else {
        usage()
    }
    let token = arguments[3]
    let orderID = arguments[4]
    output = await withTaskGroup(of: [String].self) { group in
        for _ in 0..<clients {
            group.addTask {
                guard let transport = try? HTTP2ClientTransport(host: "127.0.0.1", port: port) else {
                    return ["failed connect"]
                }
                defer { transport.close() }
                let orders = Orders.Client(
                    RPCClient(transport: transport, interceptors: [BearerTokenInterceptor(token: token)]))
                // Connected before the measured calls.
                _ = try? await orders.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = orderID })
                return await timed(count / clients) {
                    _ = try await orders.reportIssue(
                        ReportIssueRequest.with {
                            $0.idempotencyKey = "bench-\(UUID())"
                            $0.orderID = orderID
                            $0.category = .statusAnomaly
                            $0.description = "The status looks wrong."
                        })
                }
            }
        }
        var all: [String] = []
        for await lines in group { all += lines }
        return all
    }
case ("echo", 4):
    guard let port = Int(arguments[2]), let count = Int(arguments[3]) else { usage() }
    let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
    let echo = MethodDescriptor(service: "bench.Echo", method: "Unary", kind: .unary)
    let body = Array(UInt8(0)..<64)
    _ = try await transport.unary(echo, request: body, options: CallOptions())
    output = await timed(count) { _ = try await transport.unary(echo, request: body, options: CallOptions()) }
    transport.close()
default:
    usage()
}
let wall = clock.now - start
print(output.joined(separator: "\n"))
print("wall \(Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)")
