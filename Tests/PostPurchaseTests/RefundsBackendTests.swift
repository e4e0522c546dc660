import CommonAPI
import Crypto
import Foundation
import GRDB
import OrdersAPI
import RPC
import RefundsAPI
import RefundsService
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Refunds on PostgreSQL with two replicas (each its own service and connection pool, as two
/// processes) on one database: concurrent partial refunds through both never exceed what was
/// paid, one key retried through both is one refund, and each SLA breach is reported once when
/// both monitors run at once. And an older SQLite file whose refunds were protobuf bodies is
/// converted to the column model with nothing lost.
@Suite struct RefundsBackendTests {
    /// A Refunds replica on `database`, asking the harness's Orders for facts.
    struct Replica {
        let service: RefundsService
        let router: Router

        init(_ harness: PostPurchaseHarness, database: ServiceDatabase) throws {
            let clock = harness.clock
            service = RefundsService(
                database: database,
                orders: try PostPurchaseHarness.serviceClient(
                    "refunds", InProcessTransport(router: harness.ordersRouter)),
                clock: { clock.now })
            let verifier = TokenVerifier(
                key: PostPurchaseHarness.key.publicKey, issuer: "support-platform", audience: "support")
            router = Router(services: [service]).intercepted(by: [
                AuthenticationInterceptor(verifier: verifier, policy: RefundsService.accessPolicy)
            ])
        }

        func client(_ subject: String = "agent-1", _ role: Role = .agent) throws -> Refunds.Client {
            Refunds.Client(
                RPCClient(
                    transport: InProcessTransport(router: router),
                    interceptors: [
                        BearerTokenInterceptor(token: try PostPurchaseHarness.minter.mint(subject: subject, role: role))
                    ]))
        }
    }

    static func request(_ key: String, minor: Int64, source: String) -> CreateRefundRequest {
        CreateRefundRequest.with {
            $0.idempotencyKey = key; $0.orderID = "o-1"
            $0.amount = CommonAPI.Money.with {
                $0.minorUnits = minor; $0.currencyCode = "EUR"
            }
            $0.source = RefundsAPI.RefundSource.with { $0.kind = .agentNote(source) }
        }
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func twoReplicasNeverRefundMoreThanWasPaidAndReportEachBreachOnce() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 3)
        let url = try await PostgresTestDatabase.create()
        let databases = [
            try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: RefundsService.schema),
            try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: RefundsService.schema),
        ]
        defer { databases.forEach { $0.close() } }
        let replicas = try databases.map { try Replica(harness, database: $0) }
        let outcomes = await withTaskGroup(of: StatusCode.self) { group in
            for index in 0..<20 {
                let replica = replicas[index % 2]
                group.addTask {
                    do {
                        _ = try await replica.client().createRefund(
                            Self.request("partial-\(index)", minor: 1_000, source: "goodwill \(index)"))
                        return .ok
                    } catch {
                        return RPCError(converting: error).code
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .ok }.count == 5)
        #expect(outcomes.filter { $0 == .failedPrecondition }.count == 15)
        let listed = try await replicas[1].client().listRefunds(ListRefundsRequest.with { $0.orderID = "o-1" })
        #expect(listed.refunds.count == 5)
        #expect(listed.refunds.reduce(0) { $0 + ($1.amount?.minorUnits ?? 0) } == 5_000)

        // One key retried through both replicas at once: one refund.
        let retried = Self.request("retried", minor: 900, source: "the mug")
        let answers = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<6 {
                let replica = replicas[index % 2]
                group.addTask { try await replica.client().createRefund(retried).serializedBytes() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers).count == 1)
        let balance = try await replicas[0].client().getRefundBalance(
            GetRefundBalanceRequest.with { $0.orderID = "o-1" })
        #expect(balance.inProgress?.minorUnits == 5_900)
        #expect(balance.refundable?.minorUnits == 0)

        harness.clock.advance(30 * 86_400)
        let reported = try await withThrowingTaskGroup(of: Int.self) { group in
            for replica in replicas + replicas {
                group.addTask { try await replica.service.reportBreaches() }
            }
            return try await group.reduce(0, +)
        }
        #expect(reported == 6)
        let breaches = try await harness.outbox(databases[0]).filter { $0.kind == .slaBreach }
        #expect(breaches.count == 6)
        #expect(Set(breaches.map(\.aggregateID)).count == 6)
    }

    @Test func anOlderSQLiteFileWithProtobufBodiesIsConvertedWithNothingLost() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 3)
        let agent = try harness.refunds()
        let payments = try harness.refunds("payments", .service)
        let first = try await agent.createRefund(Self.request("a", minor: 1_000, source: "first"))
        _ = try await agent.createRefund(Self.request("b", minor: 2_000, source: "second"))
        _ = try await payments.markProcessing(
            MarkProcessingRequest.with {
                $0.idempotencyKey = "p"; $0.refundID = first.refundID; $0.paymentReference = "psp-1"
            })
        _ = try await payments.reportOutcome(
            ReportOutcomeRequest.with {
                $0.idempotencyKey = "o"; $0.refundID = first.refundID; $0.outcome = .completedReference("psp-1")
            })
        let refunds = try await harness.refundsOf("o-1")
        #expect(refunds.count == 2)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refunds-v1-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = try ServiceDatabase(
            directory: directory, name: "refunds", schema: Array(RefundsService.schema.prefix(1)))
        try await old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO order_facts (order_id, customer_id, paid_minor, currency, region) VALUES (?, ?, ?, ?, ?)
                    """, arguments: ["o-1", "customer-1", 5_900, "EUR", "EU"])
            for refund in refunds {
                try db.execute(
                    sql: """
                        INSERT INTO refunds (refund_id, order_id, customer_id, state, approved_at, expected_by, body)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        refund.refundID, refund.orderID, refund.customerID, refund.state.rawValue,
                        Double(refund.approvedAt?.seconds ?? 0), Double(refund.expectedBy?.seconds ?? 0),
                        Data(refund.serializedBytes()),
                    ])
            }
        }
        old.close()
        let converted = try ServiceDatabase(directory: directory, name: "refunds", schema: RefundsService.schema)
        defer { converted.close() }
        let replica = try Replica(harness, database: converted)
        for refund in refunds {
            #expect(
                try await replica.client().getRefund(GetRefundRequest.with { $0.refundID = refund.refundID }) == refund)
        }
        let tables = try await converted.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(!tables.contains("refunds_v1"))
    }
}
