import CommonAPI
import Crypto
import Foundation
import GRDB
import RPC
import ReturnsAPI
import ReturnsService
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Returns on PostgreSQL with two replicas on one database: return requests for the same order
/// landing on both at once never return more units than were ordered, and the refund follow-ups of
/// both, run at once, ask Refunds once per approved return (each claims its own). And an older SQLite file
/// whose returns were protobuf bodies is converted to the column model with nothing lost.
@Suite struct ReturnsBackendTests {
    /// A Returns replica on `database`, calling the harness's Orders and Refunds.
    static func replica(_ harness: PostPurchaseHarness, database: ServiceDatabase) throws -> Returns.Client {
        let clock = harness.clock
        let service = ReturnsService(
            database: database,
            orders: try PostPurchaseHarness.serviceClient("returns", InProcessTransport(router: harness.ordersRouter)),
            refunds: try PostPurchaseHarness.serviceClient(
                "returns", InProcessTransport(router: harness.refundsRouter)),
            clock: { clock.now })
        let verifier = TokenVerifier(
            key: PostPurchaseHarness.key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [service]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: ReturnsService.accessPolicy)
        ])
        return Returns.Client(
            RPCClient(
                transport: InProcessTransport(router: router),
                interceptors: [
                    BearerTokenInterceptor(
                        token: try PostPurchaseHarness.minter.mint(subject: "customer-1", role: .customer))
                ]))
    }

    /// Two replicas' connections to one fresh PostgreSQL database with Returns' schema.
    static func twoReplicasDatabases() async throws -> [ServiceDatabase] {
        let url = try await PostgresTestDatabase.create()
        return [
            try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: ReturnsService.schema),
            try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: ReturnsService.schema),
        ]
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func requestsOnTwoReplicasAtOnceNeverReturnMoreUnitsThanWereOrdered() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let databases = try await Self.twoReplicasDatabases()
        defer { databases.forEach { $0.close() } }
        let replicas = try databases.map { try Self.replica(harness, database: $0) }
        let outcomes = await withTaskGroup(of: StatusCode.self) { group in
            for index in 0..<8 {
                let replica = replicas[index % 2]
                group.addTask {
                    do {
                        _ = try await replica.requestReturn(
                            RequestReturnRequest.with {
                                $0.idempotencyKey = "open-\(index)"; $0.orderID = "o-1"; $0.reason = .productDefect
                                $0.remedy = .refund; $0.description = "broken \(index)"
                                $0.lines = [
                                    ReturnsAPI.ReturnLine.with {
                                        $0.lineNumber = 1; $0.quantity = 1
                                    }
                                ]
                            })
                        return .ok
                    } catch {
                        return RPCError(converting: error).code
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Line 1 has two units.
        #expect(outcomes.filter { $0 == .ok }.count == 2)
        let listed = try await replicas[1].listReturns(ListReturnsRequest.with { $0.orderID = "o-1" })
        #expect(listed.returns.count == 2)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func twoReplicasFollowUpsAskRefundsOncePerApprovedReturn() async throws {
        let harness = try PostPurchaseHarness()
        let databases = try await Self.twoReplicasDatabases()
        defer { databases.forEach { $0.close() } }
        let link = SwitchableTransport(InProcessTransport(router: harness.refundsRouter))
        let clock = harness.clock
        let services = try databases.map { database in
            ReturnsService(
                database: database,
                orders: try PostPurchaseHarness.serviceClient(
                    "returns", InProcessTransport(router: harness.ordersRouter)),
                refunds: try PostPurchaseHarness.serviceClient("returns", link), clock: { clock.now })
        }
        let verifier = TokenVerifier(
            key: PostPurchaseHarness.key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [services[0]]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: ReturnsService.accessPolicy)
        ])
        let customer = Returns.Client(try harness.rpc(router, "customer-1", .customer))
        let warehouse = Returns.Client(try harness.rpc(router, "warehouse", .service))
        // Six returns approved while Refunds cannot be reached: each waits for the follow-up.
        link.setDown(true)
        let orderIDs = (1...6).map { "o-\($0)" }
        for orderID in orderIDs {
            try await harness.order(orderID, deliveredDaysAgo: 5)
            let opened = try await customer.requestReturn(
                RequestReturnRequest.with {
                    $0.idempotencyKey = "open-\(orderID)"; $0.orderID = orderID; $0.reason = .productDefect
                    $0.remedy = .refund
                    $0.lines = [
                        ReturnsAPI.ReturnLine.with {
                            $0.lineNumber = 1; $0.quantity = 1
                        }
                    ]
                })
            _ = try await warehouse.recordReceipt(
                RecordReceiptRequest.with {
                    $0.idempotencyKey = "receive-\(orderID)"; $0.returnID = opened.returnID
                })
            let approved = try await warehouse.recordInspection(
                RecordInspectionRequest.with {
                    $0.idempotencyKey = "inspect-\(orderID)"; $0.returnID = opened.returnID
                    $0.finding = .confirmsReason
                })
            #expect(approved.state == .approved && approved.refundID.isEmpty)
        }
        link.setDown(false)
        clock.advance(ReturnsService.refundRetryDelay)
        // Both replicas' follow-ups at once, twice each: every return is asked for once.
        let confirmed = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<4 {
                group.addTask { try await services[index % 2].requestPendingRefunds() }
            }
            return try await group.reduce(0, +)
        }
        #expect(confirmed == 6)
        #expect(link.unaryCallsPassed == 6)
        for orderID in orderIDs {
            #expect(try await harness.refundsOf(orderID).count == 1)
        }
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func aReturnClaimedByAReplicaThatDiedIsTakenOverWhenItsClaimExpires() async throws {
        let harness = try PostPurchaseHarness()
        let databases = try await Self.twoReplicasDatabases()
        defer { databases.forEach { $0.close() } }
        let links = (0..<2).map { _ in SwitchableTransport(InProcessTransport(router: harness.refundsRouter)) }
        let clock = harness.clock
        let services = try (0..<2).map { index in
            ReturnsService(
                database: databases[index],
                orders: try PostPurchaseHarness.serviceClient(
                    "returns", InProcessTransport(router: harness.ordersRouter)),
                refunds: try PostPurchaseHarness.serviceClient("returns", links[index]), clock: { clock.now })
        }
        // One return approved while Refunds cannot be reached: it waits for a follow-up.
        links[0].setDown(true)
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let verifier = TokenVerifier(
            key: PostPurchaseHarness.key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [services[0]]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: ReturnsService.accessPolicy)
        ])
        let opened = try await Returns.Client(try harness.rpc(router, "customer-1", .customer)).requestReturn(
            RequestReturnRequest.with {
                $0.idempotencyKey = "open-o-1"; $0.orderID = "o-1"; $0.reason = .productDefect; $0.remedy = .refund
                $0.lines = [
                    ReturnsAPI.ReturnLine.with {
                        $0.lineNumber = 1; $0.quantity = 1
                    }
                ]
            })
        let warehouse = Returns.Client(try harness.rpc(router, "warehouse", .service))
        _ = try await warehouse.recordReceipt(
            RecordReceiptRequest.with {
                $0.idempotencyKey = "receive-o-1"; $0.returnID = opened.returnID
            })
        let approved = try await warehouse.recordInspection(
            RecordInspectionRequest.with {
                $0.idempotencyKey = "inspect-o-1"; $0.returnID = opened.returnID; $0.finding = .confirmsReason
            })
        #expect(approved.state == .approved && approved.refundID.isEmpty)
        links[0].setDown(false)
        clock.advance(ReturnsService.refundRetryDelay)

        // Replica 0 claims it and hangs in its call to Refunds: to the other, it has died.
        links[0].setHeld(true)
        let dead = Task { try await services[0].requestPendingRefunds() }
        for _ in 0..<2_000 where links[0].unaryCallsHeld == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(links[0].unaryCallsHeld == 1)

        // While the claim lasts the other replica leaves the return alone, up to its last second.
        #expect(try await services[1].requestPendingRefunds() == 0)
        clock.advance(ReturnsService.refundClaimDuration - 1)
        #expect(try await services[1].requestPendingRefunds() == 0)
        #expect(links[1].unaryCallsPassed == 0)
        // Then it takes the return over: one refund.
        clock.advance(1)
        #expect(try await services[1].requestPendingRefunds() == 1)
        #expect(try await harness.refundsOf("o-1").count == 1)
        dead.cancel()
        _ = await dead.result
        #expect(links[0].unaryCallsPassed == 0)
        #expect(try await harness.refundsOf("o-1").count == 1)
    }

    @Test func anOlderSQLiteFileWithProtobufBodiesIsConvertedWithNothingLost() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 10)
        try await harness.order("o-2", deliveredDaysAgo: 4)
        let approved = try await harness.returnAndInspect("o-1")
        let opened = try await harness.returns().requestReturn(
            RequestReturnRequest.with {
                $0.idempotencyKey = "open-o-2"; $0.orderID = "o-2"; $0.reason = .changedMind; $0.remedy = .refund
                $0.lines = [
                    ReturnsAPI.ReturnLine.with {
                        $0.lineNumber = 2; $0.quantity = 1
                    }
                ]
                $0.description = "not needed"
            })
        let agent = try harness.returns("agent-1", .agent)
        let originals = [
            try await agent.getReturn(GetReturnRequest.with { $0.returnID = approved.returnID }),
            try await agent.getReturn(GetReturnRequest.with { $0.returnID = opened.returnID }),
        ]
        #expect(originals[0].timeline.count >= 3)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("returns-v1-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = try ServiceDatabase(
            directory: directory, name: "returns", schema: Array(ReturnsService.schema.prefix(2)))
        try await old.write { db in
            for item in originals {
                try db.execute(
                    sql: """
                        INSERT INTO returns (return_id, order_id, customer_id, state, requested_at, awaiting_refund,
                            region, order_value_minor, currency, account_created_at, body, refund_attempt_at)
                        VALUES (?, ?, ?, ?, ?, 0, 'EU', 5900, 'EUR', 1000.5, ?, 42)
                        """,
                    arguments: [
                        item.returnID, item.orderID, item.customerID, item.state.rawValue,
                        Double(item.requestedAt?.seconds ?? 0), Data(item.serializedBytes()),
                    ])
            }
        }
        old.close()
        let converted = try ServiceDatabase(directory: directory, name: "returns", schema: ReturnsService.schema)
        defer { converted.close() }
        let replica = try Self.replica(harness, database: converted)
        for item in originals {
            #expect(try await replica.getReturn(GetReturnRequest.with { $0.returnID = item.returnID }) == item)
        }
        let kept = try await converted.snapshot { db in
            try db.fetchRows(
                "SELECT region, order_value_minor, currency, account_created_at, refund_attempt_at FROM returns")
        }
        #expect(kept.count == 2)
        for row in kept {
            #expect(try row.string(0) == "EU" && row.int64(1) == 5_900 && row.double(3) == 1_000.5)
            #expect(try row.double(4) == 42)
        }
        let tables = try await converted.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(!tables.contains("returns_v1"))
    }
}
