import CommonAPI
import Foundation
import OversightAPI
import OversightService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Oversight on SQLite and on PostgreSQL: the same chain, duplicates and reports on both; and two
/// Oversight replicas (each its own service and connection pool, as two processes) ingesting at
/// once on one PostgreSQL database leave one chain that verifies, with no event lost or doubled.
@Suite struct OversightBackendTests {
    /// Oversight on a new PostgreSQL database of its own; returns it with the database's URL.
    static func postgresHarness(checkpointing: AuditCheckpointing = AuditCheckpointing()) async throws
        -> OversightHarness
    {
        let url = try await PostgresTestDatabase.create()
        let database = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(url, connections: 4),
            schema: OversightService.schema)
        return OversightHarness(database: database, checkpointing: checkpointing)
    }

    /// `count` events of cases of four (opened, first response, decision, resolved), from `first` on.
    static func events(_ count: Int, from first: Int = 0, source: String = "orders") -> [Event] {
        let kinds: [EventKind] = [.caseOpened, .firstResponse, .decision, .caseResolved]
        return (first..<first + count).map { index in
            var event = OversightHarness.event(
                "\(source)-\(index)", kinds[index % 4], caseID: "case-\(index / 4)", minutes: Double(index),
                region: index % 3 == 0 ? "EU" : "US", favorable: index % 5 != 2)
            event.sourceService = source
            event.aggregateType = source == "orders" ? "issue" : "return"
            return event
        }
    }

    /// Appends, re-delivers and verifies on `harness`; then a tampered record is caught.
    static func appendRedeliverAndVerify(_ harness: OversightHarness) async throws {
        let first = try await harness.record(Self.events(30))
        #expect(first.accepted == 30)
        #expect(first.lastSequence == 30)
        #expect(first.checkpoint?.sequence == 30)
        // The same batch again, then one overlapping it with duplicates inside itself.
        let again = try await harness.record(Self.events(30))
        #expect(again.accepted == 0)
        #expect(again.duplicates == 30)
        #expect(again.lastSequence == 30)
        let overlapping = try await harness.record(Self.events(20, from: 20) + Self.events(5, from: 35))
        #expect(overlapping.accepted == 10)
        #expect(overlapping.duplicates == 15)
        #expect(overlapping.lastSequence == 40)
        let auditor = try harness.client("auditor-1", .auditor)
        let verification = try await auditor.verifyAuditLog(
            VerifyAuditLogRequest.with { $0.checkpoints = [first.checkpoint].compactMap { $0 } })
        #expect(verification.valid, "\(verification.problem)")
        #expect(verification.recordsChecked == 40)
        #expect(verification.checkpointsChecked == 1)
        let listed = try await auditor.listAuditRecords(ListAuditRecordsRequest.with { $0.limit = 100 })
        #expect(listed.records.map { $0.event?.eventID ?? "" } == (0..<40).map { "orders-\($0)" })
        #expect(listed.records.map(\.sequence) == Array(1...40))
        #expect(listed.records[1].previousHash == listed.records[0].hash)

        // A record changed in place: the chain no longer verifies from there.
        _ = try await harness.database.transaction { db in
            try db.execute(
                "UPDATE audit_log SET event = ? WHERE sequence = 7", [Self.events(1, from: 99)[0].serializedBytes()])
        }
        let tampered = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(!tampered.valid)
        #expect(tampered.firstInvalidSequence == 7)
    }

    @Test func theChainAppendsDeduplicatesAndVerifiesOnSQLite() async throws {
        try await Self.appendRedeliverAndVerify(
            try OversightHarness(checkpointing: OversightHarness.checkpointing(every: 10)))
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func theChainAppendsDeduplicatesAndVerifiesOnPostgreSQL() async throws {
        let harness = try await Self.postgresHarness(checkpointing: OversightHarness.checkpointing(every: 10))
        defer { harness.database.close() }
        try await Self.appendRedeliverAndVerify(harness)
    }

    /// Event ids that are canonically equivalent but not the same bytes ("caf\u{E9}" and
    /// "cafe\u{301}") are two events, as the log's unique index sees them: both are logged,
    /// whether in one call or in calls at once (grouped on PostgreSQL). A duplicate check by Swift
    /// `String` equality took the second for the first and dropped it.
    static func idsAreComparedByTheirBytes(_ harness: OversightHarness) async throws {
        var events = Self.events(4)
        events[0].eventID = "caf\u{E9}"
        events[1].eventID = "cafe\u{301}"
        let together = try await harness.record(Array(events[0...1]))
        #expect(together.accepted == 2 && together.duplicates == 0)
        events[2].eventID = "x-caf\u{E9}"
        events[3].eventID = "x-cafe\u{301}"
        let apart = try await withThrowingTaskGroup(of: Int.self) { group in
            for event in events[2...3] { group.addTask { Int(try await harness.record([event]).accepted) } }
            return try await group.reduce(0, +)
        }
        #expect(apart == 2)
        let verification = try await harness.client("auditor-1", .auditor).verifyAuditLog(VerifyAuditLogRequest())
        #expect(verification.valid && verification.recordsChecked == 4)
    }

    /// A region or currency too long for the facts' index is INVALID_ARGUMENT naming the field,
    /// on both backends (PostgreSQL failed it INTERNAL: an index entry holds about 2.7 kB).
    static func overlongFairnessFieldsAreRefused(_ harness: OversightHarness) async throws {
        for (field, change) in [
            (
                "fairness.region",
                { (event: inout Event) in event.fairness?.region = String(repeating: "R", count: 20_000) }
            ),
            (
                "fairness.order_value.currency_code",
                { (event: inout Event) in
                    event.fairness?.orderValue = Money.with {
                        $0.currencyCode = "EURO" + String(repeating: "X", count: 100)
                    }
                }
            ),
        ] {
            var event = Self.events(1)[0]
            #expect(event.fairness != nil)
            change(&event)
            let error = await #expect(throws: RPCError.self) { try await harness.record([event]) }
            #expect(
                error?.code == .invalidArgument && error?.message.contains(field) == true,
                "\(String(describing: error))")
        }
        #expect(try await harness.record(Self.events(1)).accepted == 1)
    }

    @Test func overlongFairnessFieldsAreRefusedOnSQLite() async throws {
        try await Self.overlongFairnessFieldsAreRefused(try OversightHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func overlongFairnessFieldsAreRefusedOnPostgreSQL() async throws {
        let harness = try await Self.postgresHarness()
        defer { harness.database.close() }
        try await Self.overlongFairnessFieldsAreRefused(harness)
    }

    @Test func idsAreComparedByTheirBytesOnSQLite() async throws {
        try await Self.idsAreComparedByTheirBytes(try OversightHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func idsAreComparedByTheirBytesOnPostgreSQL() async throws {
        let harness = try await Self.postgresHarness()
        defer { harness.database.close() }
        try await Self.idsAreComparedByTheirBytes(harness)
    }

    /// Fills `harness` with the same cases, refunds, ratings, complaints and staff; returns its
    /// report and agent report for the whole period, encoded.
    static func reports(of harness: OversightHarness) async throws -> ([UInt8], [UInt8]) {
        try await harness.record(Self.events(120))
        var messages: [Event] = []
        for index in 0..<12 {
            var message = OversightHarness.event(
                "m-\(index)", .message, caseID: "case-\(index)", minutes: Double(index * 4) + 2)
            message.actor = CommonAPI.Actor.with {
                $0.subject = "agent-\(index % 3)"; $0.role = index % 2 == 0 ? .agent : .customer
            }
            messages.append(message)
        }
        try await harness.record(messages)
        let refunds = (0..<6).flatMap { index -> [Event] in
            let opened = Event.with {
                $0.eventID = "refund-\(index)-1"; $0.sourceService = "refunds"; $0.aggregateType = "refund"
                $0.aggregateID = "refund-\(index)"; $0.kind = .refundOpened; $0.customerID = "customer-1"
                $0.occurredAt = Timestamp(OversightHarness.start.addingTimeInterval(Double(index) * 3_600))
                $0.refund = RefundDetail.with {
                    $0.expectedBy = Timestamp(OversightHarness.start.addingTimeInterval(10 * 86_400))
                }
            }
            guard index % 3 != 0 else { return [opened] }
            var finished = opened
            finished.eventID = "refund-\(index)-2"
            finished.kind = .refundFinished
            finished.occurredAt = Timestamp(OversightHarness.start.addingTimeInterval(Double(index) * 86_400 * 3))
            finished.refund?.completed = index % 3 == 1
            return [opened, finished]
        }
        try await harness.record(refunds, as: "refunds")
        let customer = try harness.client("customer-1", .customer)
        for index in 0..<4 {
            _ = try await customer.recordRating(
                RecordRatingRequest.with {
                    $0.idempotencyKey = "rate-\(index)"; $0.aggregateType = "issue"; $0.aggregateID = "case-\(index)"
                    $0.score = Int32(1 + index)
                })
        }
        _ = try await customer.fileComplaint(
            FileComplaintRequest.with {
                $0.idempotencyKey = "complaint"; $0.kind = .complaint; $0.subject = "Slow"; $0.text = "Too slow"
                $0.relatedCase = "issue/case-1"
            })
        let auditor = try harness.client("auditor-1", .auditor)
        let range = (
            Timestamp(OversightHarness.start), Timestamp(OversightHarness.start.addingTimeInterval(41 * 86_400))
        )
        let report = try await auditor.getReport(
            GetReportRequest.with {
                $0.from = range.0
                $0.to = range.1
            })
        #expect(report.events > 120)
        #expect(report.refundSla?.refunds == 6)
        #expect(report.satisfaction?.ratings == 4)
        let agents = try await auditor.getAgentReport(
            GetAgentReportRequest.with {
                $0.from = range.0
                $0.to = range.1
            })
        #expect(!agents.agents.isEmpty)
        return (report.serializedBytes(), agents.serializedBytes())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func reportsAreTheSameOnBothBackends() async throws {
        let sqlite = try await Self.reports(of: try OversightHarness())
        let harness = try await Self.postgresHarness()
        defer { harness.database.close() }
        let postgres = try await Self.reports(of: harness)
        #expect(sqlite.0 == postgres.0)
        #expect(sqlite.1 == postgres.1)
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func twoReplicasIngestingAtOnceLeaveOneChainWithEveryEventOnce() async throws {
        let url = try await PostgresTestDatabase.create()
        let checkpointing = OversightHarness.checkpointing(every: 25)
        var replicas: [OversightHarness] = []
        for _ in 0..<2 {
            let database = try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: OversightService.schema)
            replicas.append(OversightHarness(database: database, checkpointing: checkpointing))
        }
        defer { replicas.forEach { $0.database.close() } }
        // 40 batches of 1 to 20 events from two services, each through one replica, every fifth
        // through both at once (a relay retrying elsewhere).
        var batches: [(source: String, events: [Event])] = []
        var next = ["orders": 0, "returns": 0]
        for index in 0..<40 {
            let source = index % 2 == 0 ? "orders" : "returns"
            let size = 1 + (index * 7) % 20
            batches.append((source, Self.events(size, from: next[source, default: 0], source: source)))
            next[source, default: 0] += size
        }
        let sent = Set(batches.flatMap { $0.events.map { "\($0.sourceService)/\($0.eventID)" } })
        let responses = try await withThrowingTaskGroup(of: RecordEventsResponse.self) { group in
            for (index, batch) in batches.enumerated() {
                let targets = index % 5 == 4 ? replicas : [replicas[index % 2]]
                for replica in targets {
                    group.addTask { try await replica.record(batch.events, as: batch.source) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let accepted = responses.reduce(0) { $0 + Int($1.accepted) }
        #expect(accepted == sent.count)
        #expect(
            responses.reduce(0) { $0 + Int($1.duplicates) }
                == batches.enumerated().filter { $0.offset % 5 == 4 }
                .reduce(0) { $0 + $1.element.events.count })
        let checkpoints = Array(
            Dictionary(responses.compactMap(\.checkpoint).map { ($0.sequence, $0) }) { first, _ in first }.values)
        #expect(!checkpoints.isEmpty)
        for replica in replicas {
            let auditor = try replica.client("auditor-1", .auditor)
            let verification = try await auditor.verifyAuditLog(
                VerifyAuditLogRequest.with { $0.checkpoints = checkpoints })
            #expect(verification.valid, "\(verification.problem)")
            #expect(verification.recordsChecked == Int64(sent.count))
            #expect(verification.checkpointsChecked == Int32(checkpoints.count))
        }
        let listed = try await replicas[1].client("auditor-1", .auditor).listAuditRecords(
            ListAuditRecordsRequest.with { $0.limit = 1_000 })
        let logged = listed.records.map { "\($0.event?.sourceService ?? "")/\($0.event?.eventID ?? "")" }
        #expect(logged.count == sent.count)
        #expect(Set(logged) == sent)
    }

    /// A redelivery racing past the key lookup: two replicas look the same batch up while the
    /// chain's lock is held elsewhere (both wait for it, having found nothing), then take turns.
    /// The second finds the batch logged when it writes: it takes its records back and counts
    /// the batch as duplicates. One chain that verifies, each event once.
    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func aRedeliveryRacingPastTheLookupIsCountedOnceAndTheChainStaysWhole() async throws {
        let url = try await PostgresTestDatabase.create()
        var opened: [OversightHarness] = []
        for _ in 0..<2 {
            let database = try await ServiceDatabase(
                postgres: PostgresTestDatabase.backend(url, connections: 4),
                schema: OversightService.schema)
            opened.append(OversightHarness(database: database))
        }
        let replicas = opened
        defer { replicas.forEach { $0.database.close() } }
        let (one, other, holding) = (replicas[0], replicas[1], replicas[0].database)
        let head = try await one.record(Self.events(3))
        #expect(head.accepted == 3)
        let batch = Self.events(10, from: 3)
        // A transaction holds the chain's lock until both replicas wait for it (each past its lookup).
        let (locked, lockedContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await holding.transaction { db in
                try db.lock(named: "oversight-audit-chain")
                lockedContinuation.yield()
                for _ in 0..<6_000 {
                    let waiting = try db.fetchCount(
                        """
                        SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """)
                    if waiting == 2 { return true }
                    try db.execute("SELECT pg_sleep(0.01)")
                }
                return false
            }
        }
        for await _ in locked { break }
        async let first = one.record(batch)
        async let second = other.record(batch)
        #expect(try await holder.value, "both replicas should have waited for the chain's lock")
        let responses = try await [first, second]
        #expect(responses.map(\.accepted).sorted() == [0, 10])
        #expect(responses.map(\.duplicates).sorted() == [0, 10])
        #expect(responses.map(\.lastSequence) == [13, 13])
        let auditor = try replicas[1].client("auditor-1", .auditor)
        let verification = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
        #expect(verification.valid, "\(verification.problem)")
        #expect(verification.recordsChecked == 13)
        let listed = try await auditor.listAuditRecords(ListAuditRecordsRequest.with { $0.limit = 100 })
        #expect(listed.records.map { $0.event?.eventID ?? "" } == (0..<13).map { "orders-\($0)" })
    }

    @Test func anOlderFileWithStoredMessagesIsConvertedToColumns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let at = Timestamp(seconds: 1_790_900_000, nanos: 0)
        let rating = Rating.with {
            $0.ratingID = "R-1"; $0.aggregateType = "issue"; $0.aggregateID = "case-0"; $0.customerID = "customer-1"
            $0.score = 2; $0.comment = "slow"; $0.ratedAt = at
        }
        let complaint = OversightAPI.Complaint.with {
            $0.complaintID = "C-1"; $0.kind = .complaint; $0.customerID = "customer-1"; $0.subject = "Late"
            $0.text = "Twelve days"; $0.relatedCase = "issue/case-0"; $0.state = .investigating
            $0.assignedTo = "staff-1"; $0.filedAt = at
            $0.messages = [
                CaseMessage.with {
                    $0.messageID = "M-1"; $0.text = "Looking into it"; $0.sentAt = at
                    $0.author = CommonAPI.Actor.with {
                        $0.subject = "staff-1"; $0.role = .agent
                    }
                }
            ]
            $0.notifications = [
                CommonAPI.Notification.with {
                    $0.notificationID = "N-1"; $0.customerID = "customer-1"; $0.text = "Assigned"; $0.createdAt = at
                }
            ]
        }
        let staff = StaffMember.with {
            $0.staffID = "staff-1"; $0.name = "Kim"; $0.teams = ["returns", "refunds"]; $0.active = true
        }
        do {
            let old = OversightHarness(
                database: try ServiceDatabase(
                    directory: directory, name: "oversight", schema: Array(OversightService.schema.prefix(5))))
            try await old.record(Self.events(4))
            let record = try await old.client("auditor-1", .auditor).listAuditRecords(
                ListAuditRecordsRequest.with { $0.limit = 1 }
            ).records[0]
            let sample = AuditSample.with {
                $0.sampleID = "AS-1"; $0.seed = UInt64.max - 3; $0.from = at; $0.to = at; $0.failed = 1
                $0.items = [
                    AuditItem.with {
                        $0.record = record; $0.verdict = .fail; $0.note = "no reply"
                        $0.markedBy = CommonAPI.Actor.with {
                            $0.subject = "auditor-1"; $0.role = .auditor
                        }
                    }
                ]
            }
            _ = try await old.database.transaction { db in
                try db.execute(
                    "INSERT INTO ratings (rating_id, case_key, customer_id, score, rated_at, body) VALUES (?, ?, ?, ?, ?, ?)",
                    ["R-1", "issue/case-0", "customer-1", 2, Double(at.seconds), rating.serializedBytes()])
                try db.execute(
                    "INSERT INTO complaints (complaint_id, customer_id, state, filed_at, body) VALUES (?, ?, ?, ?, ?)",
                    [
                        "C-1", "customer-1", Int64(complaint.state.rawValue), Double(at.seconds),
                        complaint.serializedBytes(),
                    ])
                try db.execute(
                    "INSERT INTO staff (staff_id, body) VALUES (?, ?)", ["staff-1", staff.serializedBytes()])
                try db.execute(
                    "INSERT INTO audit_samples (sample_id, body) VALUES (?, ?)", ["AS-1", sample.serializedBytes()])
            }
            old.database.close()
            let migrated = OversightHarness(
                database: try ServiceDatabase(directory: directory, name: "oversight", schema: OversightService.schema))
            defer { migrated.database.close() }
            let auditor = try migrated.client("auditor-1", .auditor)
            let converted = try await auditor.getComplaint(GetComplaintRequest.with { $0.complaintID = "C-1" })
            #expect(converted == complaint)
            #expect(try await auditor.listStaff(ListStaffRequest()).members == [staff])
            #expect(try await auditor.getAuditSample(GetAuditSampleRequest.with { $0.sampleID = "AS-1" }) == sample)
            let again = await rpcError {
                _ = try await migrated.client("customer-1", .customer).recordRating(
                    RecordRatingRequest.with {
                        $0.idempotencyKey = "again"; $0.aggregateType = "issue"; $0.aggregateID = "case-0"; $0.score = 5
                    })
            }
            #expect(again?.code == .alreadyExists)
            let verification = try await auditor.verifyAuditLog(VerifyAuditLogRequest())
            #expect(verification.valid)
            #expect(verification.recordsChecked == 4)
        }
    }
}
