import CommonAPI
import Crypto
import Foundation
import GRDB
import InquiriesAPI
import InquiriesService
import RPC
import Runtime
import Storage
import Testing
import Wire

/// An older SQLite file whose rules, products, rate tables and tickets were stored as protobuf
/// bodies is converted to the column model (inquiries-2-columns) with nothing lost.
@Suite struct InquiriesConversionTests {
    static func service(_ database: ServiceDatabase) throws -> (Inquiries.Client, Inquiries.Client) {
        let verifier = TokenVerifier(
            key: InquiriesServiceTests.key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [InquiriesService(database: database)]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: InquiriesService.accessPolicy)
        ])
        return (
            try InquiriesServiceTests.client(router, "agent-1", .agent),
            try InquiriesServiceTests.client(router, "customer-1", .customer)
        )
    }

    @Test func anOlderSQLiteFileWithProtobufBodiesIsConvertedWithNothingLost() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inquiries-v1-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The items, made by the current service.
        let current = try ServiceDatabase(directory: directory, name: "current", schema: InquiriesService.schema)
        defer { current.close() }
        let (agent, customer) = try Self.service(current)
        let table = try await InquiriesServiceTests.publishRates(agent)
        let product = try await agent.upsertProduct(
            UpsertProductRequest.with {
                $0.idempotencyKey = "p"
                $0.product = InquiriesAPI.Product.with {
                    $0.sku = "KET-1"; $0.name = "Kettle"; $0.description = "Boils water"
                    $0.specifications = ["volume": "1.7 l", "power": "2200 W"]
                    $0.price = CommonAPI.Money.with {
                        $0.minorUnits = 4_999; $0.currencyCode = "EUR"
                    }
                }
            })
        let asked = try await customer.askQuestion(
            AskQuestionRequest.with {
                $0.idempotencyKey = "q"; $0.question = "Is the moon base open on Sundays?"
            })
        guard case .ticket(let opened) = asked.result else {
            Issue.record("expected a ticket, got \(String(describing: asked.result))")
            return
        }
        let ticket = try await agent.answerTicket(
            AnswerTicketRequest.with {
                $0.idempotencyKey = "a"; $0.ticketID = opened.ticketID; $0.answer = "No."
                $0.ruleID = "KB-SHIPPING-FREE"
            })

        // The same items in a file of the body model (inquiries-1 publishes the official rules).
        let old = try ServiceDatabase(
            directory: directory, name: "inquiries", schema: Array(InquiriesService.schema.prefix(1)))
        let oldRules = try await old.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rules") ?? 0 }
        try await old.write { db in
            try db.execute(
                sql: "INSERT INTO products (sku, name, body) VALUES (?, ?, ?)",
                arguments: [product.sku, product.name, Data(product.serializedBytes())])
            try db.execute(
                sql: "INSERT INTO rate_tables (version, body) VALUES (?, ?)",
                arguments: [table.version, Data(table.serializedBytes())])
            try db.execute(
                sql: "INSERT INTO tickets (ticket_id, state, opened_at, asked_by, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    ticket.ticketID, ticket.state.rawValue, Double(ticket.openedAt?.seconds ?? 0), "customer-1",
                    Data(ticket.serializedBytes()),
                ])
        }
        old.close()

        let converted = try ServiceDatabase(directory: directory, name: "inquiries", schema: InquiriesService.schema)
        defer { converted.close() }
        let (convertedAgent, _) = try Self.service(converted)
        #expect(try await convertedAgent.getProduct(GetProductRequest.with { $0.sku = "KET-1" }) == product)
        #expect(try await convertedAgent.getRateTable(GetRateTableRequest()) == table)
        #expect(try await convertedAgent.getTicket(GetTicketRequest.with { $0.ticketID = ticket.ticketID }) == ticket)
        let rules = try await convertedAgent.listRules(ListRulesRequest()).rules
        let expected = try await agent.listRules(ListRulesRequest()).rules
        #expect(rules.count == oldRules)
        #expect(rules.map(\.ruleID) == expected.map(\.ruleID))
        #expect(rules.map(\.text) == expected.map(\.text))
        #expect(rules.map(\.keywords) == expected.map(\.keywords))
        #expect(rules.map(\.version) == expected.map(\.version))
        let tables = try await converted.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_v1'")
        }
        #expect(tables.isEmpty)
    }
}
