import CommonAPI
import Crypto
import Foundation
import GRDB
import MetricsTestKit
import OversightAPI
import OversightService
import RPC
import Runtime
import Storage
import Wire

/// Oversight on a real SQLite file behind its real router and access policy.
final class OversightHarness: Sendable {
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")
    /// 2026-10-01 00:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_790_812_800)

    let directory: String?
    let database: ServiceDatabase
    let router: Router
    /// The service behind the router (its monitors are called directly).
    let service: OversightService
    /// What the service's metrics recorded.
    let metrics = TestMetrics()

    /// Oversight's own key, which signs its checkpoints.
    nonisolated(unsafe) static let oversightKey = P256.Signing.PrivateKey()
    /// The key set verifying checkpoints: Oversight's key, allowed to sign only for "oversight".
    static let checkpointRing = TokenKeyRing(keys: [
        TokenKey(publicKey: oversightKey.publicKey, keyID: "oversight-1", subjects: ["oversight"], roles: [.service])
    ])

    /// Checkpoints signed with Oversight's key every `events` events.
    static func checkpointing(every events: Int) -> AuditCheckpointing {
        AuditCheckpointing(
            key: SigningKey(key: oversightKey, keyID: "oversight-1"), keys: KeyRingSource(checkpointRing),
            everyEvents: events,
            everySeconds: 86_400)
    }

    /// Oversight on a new SQLite file.
    convenience init(checkpointing: AuditCheckpointing = AuditCheckpointing()) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-\(UUID())").path
        try self.init(
            database: ServiceDatabase(directory: directory, name: "oversight", schema: OversightService.schema),
            directory: directory, checkpointing: checkpointing)
    }

    /// Oversight on `database` (SQLite in `directory`, removed at the end, or PostgreSQL).
    init(database: ServiceDatabase, directory: String? = nil, checkpointing: AuditCheckpointing = AuditCheckpointing())
    {
        self.directory = directory
        self.database = database
        let verifier = TokenVerifier(key: Self.key.publicKey, issuer: "support-platform", audience: "support")
        service = OversightService(
            database: database, checkpointing: checkpointing, metrics: metrics,
            clock: { OversightHarness.start.addingTimeInterval(40 * 86_400) })
        router = Router(services: [service]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: OversightService.accessPolicy)
        ])
    }

    deinit {
        database.close()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    func client(_ subject: String, _ role: Role) throws -> Oversight.Client {
        Oversight.Client(
            RPCClient(
                transport: InProcessTransport(router: router),
                interceptors: [BearerTokenInterceptor(token: try Self.minter.mint(subject: subject, role: role))]))
    }

    /// An event of `kind` on case `caseID`, `minutes` after the start.
    static func event(
        _ id: String, _ kind: EventKind, caseID: String, minutes: Double, customer: String = "customer-1",
        region: String = "EU", favorable: Bool = true, category: String = "SHIPPING_ANOMALY"
    ) -> Event {
        Event.with {
            $0.eventID = id
            $0.sourceService = "orders"
            $0.aggregateType = "issue"
            $0.aggregateID = caseID
            $0.kind = kind
            $0.occurredAt = Timestamp(start.addingTimeInterval(minutes * 60))
            $0.customerID = customer
            $0.category = category
            $0.fairness = FairnessAttributes.with {
                $0.region = region
                $0.orderValue = Money.with {
                    $0.minorUnits = 5_000; $0.currencyCode = "EUR"
                }
                $0.accountCreatedAt = Timestamp(start.addingTimeInterval(-400 * 86_400))
            }
            if kind == .decision {
                $0.decision = DecisionDetail.with {
                    $0.decisionType = "issue_resolution"
                    $0.outcome = favorable ? "RESHIP" : "ESCALATE"
                    $0.favorable = favorable
                    $0.followedPlaybook = true
                }
            }
        }
    }

    /// Records events as the services would.
    @discardableResult
    func record(_ events: [Event], as service: String = "orders") async throws -> RecordEventsResponse {
        try await client(service, .service).recordEvents(RecordEventsRequest.with { $0.events = events })
    }

    /// Runs SQL straight on the file, as someone tampering with it would.
    func tamper(_ sql: String) async throws {
        try await database.write { db in try db.execute(sql: sql) }
    }
}
