import CommonAPI
import Crypto
import Foundation
import HTTP2
import OversightAPI
import OversightService
import RPC
import Runtime
import Storage
import Wire

// Oversight's two targets, through its RPC over a real HTTP/2 socket: ingestion of events
// (RecordEvents batches from concurrent callers, each batch one transaction with its fsync) and
// the report over 1,000,000 recorded events.
//   swift run -c release OversightBenchmark [total events, default 1000000] [batch, default 500] [callers, default 4]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let total = arguments.count > 0 ? arguments[0] : 1_000_000
let batch = arguments.count > 1 ? arguments[1] : 500
let callers = arguments.count > 2 ? arguments[2] : 4

func events(_ range: Range<Int>, start: Date) -> [Event] {
    range.map { index in
        let caseID = "case-\(index / 5)"
        let kind: EventKind = [.caseOpened, .firstResponse, .decision, .message, .caseResolved][index % 5]
        return Event.with {
            $0.eventID = "orders:issue:\(caseID):\(index % 5 + 1)"
            $0.sourceService = "orders"
            $0.aggregateType = "issue"
            $0.aggregateID = caseID
            $0.aggregateSequence = Int64(index % 5 + 1)
            $0.kind = kind
            $0.occurredAt = Timestamp(start.addingTimeInterval(Double(index) * 0.5))
            $0.customerID = "customer-\(index / 50)"
            $0.category = ["SHIPPING_ANOMALY", "PROCESSING_DELAY", "STATUS_ANOMALY"][(index / 5) % 3]
            $0.summary = "benchmark event \(index)"
            $0.fairness = FairnessAttributes.with {
                $0.region = ["EU", "NA", "APAC", "LATAM", "MEA"][(index / 5) % 5]
                $0.orderValue = Money.with {
                    $0.minorUnits = Int64(1_000 + (index % 7) * 9_000); $0.currencyCode = "EUR"
                }
                $0.accountCreatedAt = Timestamp(start.addingTimeInterval(-Double(index % 2_000) * 86_400))
            }
            if kind == .decision {
                $0.decision = DecisionDetail.with {
                    $0.decisionType = "issue_resolution"; $0.outcome = "RESHIP"; $0.favorable = index % 10 != 2
                    $0.followedPlaybook = true
                }
            }
        }
    }
}

/// Runs the benchmark off the main actor.
func run() async throws {
    let directory = NSTemporaryDirectory() + "oversight-bench"
    try? FileManager.default.removeItem(atPath: directory)
    let database = try ServiceDatabase(directory: directory, name: "oversight", schema: OversightService.schema)
    let key = P256.Signing.PrivateKey()
    let verifier = TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")
    let token = try TokenMinter(key: key, issuer: "support-platform", audience: "support").mint(
        subject: "orders", role: .service)
    let auditorToken = try TokenMinter(key: key, issuer: "support-platform", audience: "support").mint(
        subject: "auditor", role: .auditor)
    let router = Router(services: [OversightService(database: database)]).intercepted(by: [
        AuthenticationInterceptor(verifier: verifier, policy: OversightService.accessPolicy)
    ])
    let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router)
    let port = try await server.start()
    let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
    let client = Oversight.Client(RPCClient(transport: transport, interceptors: [BearerTokenInterceptor(token: token)]))
    let start = Date(timeIntervalSince1970: 1_790_812_800)

    // Ingestion: `callers` concurrent callers, each sending its share of batches in turn.
    let batches = (0..<(total + batch - 1) / batch).map { $0 * batch..<min(total, ($0 + 1) * batch) }
    let payloads = batches.map { range in RecordEventsRequest.with { $0.events = events(range, start: start) } }
    let clock = ContinuousClock()
    let began = clock.now
    var windowStart = began
    var windowEvents = 0
    var rates: [Double] = []
    try await withThrowingTaskGroup(of: Int.self) { group in
        var next = 0
        for _ in 0..<callers where next < payloads.count {
            let payload = payloads[next]
            next += 1
            group.addTask { Int(try await client.recordEvents(payload).accepted) }
        }
        while let accepted = try await group.next() {
            windowEvents += accepted
            let now = clock.now
            if now - windowStart >= .seconds(5) {
                let seconds =
                    Double((now - windowStart).components.attoseconds) / 1e18
                    + Double((now - windowStart).components.seconds)
                rates.append(Double(windowEvents) / seconds)
                windowStart = now
                windowEvents = 0
            }
            if next < payloads.count {
                let payload = payloads[next]
                next += 1
                group.addTask { Int(try await client.recordEvents(payload).accepted) }
            }
        }
    }
    let elapsed = clock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(
        String(
            format: "ingested %d events in %.1f s: %.0f events/s overall (batches of %d, %d callers)", total, seconds,
            Double(total) / seconds, batch, callers))
    print("per 5-second window (events/s): " + rates.map { String(format: "%.0f", $0) }.joined(separator: ", "))

    // Reports over everything recorded.
    let auditor = Oversight.Client(
        RPCClient(transport: transport, interceptors: [BearerTokenInterceptor(token: auditorToken)]))
    let request = GetReportRequest.with {
        $0.from = Timestamp(start.addingTimeInterval(-1))
        $0.to = Timestamp(start.addingTimeInterval(Double(total)))
    }
    var timings: [Double] = []
    var report = Report()
    for _ in 0..<5 {
        let t0 = clock.now
        report = try await auditor.getReport(request)
        let d = clock.now - t0
        timings.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
    timings.sort()
    print(
        String(
            format: "report over %lld events: median %.3f s, max %.3f s (5 runs)", report.events, timings[2], timings[4]
        ))
    print(
        "  decisions \(report.decisions), first responses \(report.firstResponse?.count ?? 0), flagged \(report.fairness?.disparityFlagged ?? false)"
    )
    let t0 = clock.now
    let verification = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
    let d = clock.now - t0
    print(
        String(
            format: "verify over %lld records: %.2f s, valid %@", verification.recordsChecked,
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, verification.valid ? "yes" : "no"))
    transport.close()
    await server.shutdown(gracePeriod: .seconds(1))
    database.close()
    try? FileManager.default.removeItem(atPath: directory)
}

try await run()
