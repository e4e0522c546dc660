import CommonAPI
import Crypto
import Foundation
import GRDB
import InquiriesAPI
import InquiriesService
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// Inquiries through its real router on a real SQLite file, and again on a real PostgreSQL
/// database when the test server is configured (``PostgresTestDatabase``): every test runs on both.
@Suite struct InquiriesServiceTests {
    nonisolated(unsafe) static let key = P256.Signing.PrivateKey()
    static let minter = TokenMinter(key: key, issuer: "support-platform", audience: "support")

    /// A fresh service and a client factory, on SQLite and then (when configured) on PostgreSQL;
    /// the database is removed when `body` returns.
    static func withService(_ body: (ServiceDatabase, Router) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inquiries-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(
            directory: directory, name: "inquiries", schema: InquiriesService.schema,
            readCacheBudget: ServiceDatabase.defaultReadCacheBudget)
        defer { database.close() }
        try await run(body, on: database)
        guard PostgresTestDatabase.isConfigured else { return }
        let postgres = try await ServiceDatabase(
            postgres: PostgresTestDatabase.backend(PostgresTestDatabase.create(), connections: 2),
            schema: InquiriesService.schema)
        defer { postgres.close() }
        try await run(body, on: postgres)
    }

    /// Runs `body` with a service on `database`.
    private static func run(_ body: (ServiceDatabase, Router) async throws -> Void, on database: ServiceDatabase)
        async throws
    {
        let verifier = TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")
        let router = Router(services: [InquiriesService(database: database)]).intercepted(by: [
            AuthenticationInterceptor(verifier: verifier, policy: InquiriesService.accessPolicy)
        ])
        try await body(database, router)
    }

    static func client(_ router: Router, _ subject: String, _ role: Role) throws -> Inquiries.Client {
        Inquiries.Client(
            RPCClient(
                transport: InProcessTransport(router: router),
                interceptors: [BearerTokenInterceptor(token: try minter.mint(subject: subject, role: role))]))
    }

    static func publishRates(_ client: Inquiries.Client) async throws -> InquiriesAPI.RateTable {
        try await client.publishRateTable(
            PublishRateTableRequest.with {
                $0.idempotencyKey = "rates-1"; $0.baseCurrency = "EUR"
                $0.rates = [("EUR", 2, "1"), ("USD", 2, "1.08"), ("JPY", 0, "160"), ("KWD", 3, "0.4")].map {
                    code, digits, rate in
                    CurrencyRate.with {
                        $0.currencyCode = code; $0.minorDigits = Int32(digits); $0.unitsPerBase = rate
                    }
                }
            })
    }

    @Test func aMultiAreaQuestionGetsOneComposedAnswerCitingEachRule() async throws {
        try await Self.withService { _, router in
            let agent = try Self.client(router, "agent-1", .agent)
            let table = try await Self.publishRates(agent)
            #expect(table.version == 1)
            let customer = try Self.client(router, "customer-1", .customer)
            let response = try await customer.askQuestion(
                AskQuestionRequest.with {
                    $0.idempotencyKey = "q1"
                    $0.question = "If I buy this in EUR and return it after 45 days, what do I get back and when?"
                    $0.amount = Money.with {
                        $0.minorUnits = 4_999; $0.currencyCode = "EUR"
                    }
                    $0.targetCurrency = "USD"
                })
            guard case .answer(let answer) = response.result else {
                Issue.record("expected an answer, got \(String(describing: response.result))")
                return
            }
            #expect(Set(answer.parts.map(\.topic)) == [.returns, .refunds, .currencyConversion])
            let cited = Set(answer.parts.compactMap { $0.rule?.ruleID })
            #expect(cited.isSuperset(of: ["KB-RETURNS-WINDOW@v1", "KB-REFUNDS-TIMELINE@v1", "FX-RATE-TABLE-1"]))
            #expect(answer.text.contains("49.99 EUR is 53.99 USD"))
            #expect(answer.rateTableVersion == 1)
            #expect(answer.knowledgeBaseVersion == 1)
        }
    }

    @Test func anUnanswerableQuestionBecomesATicketThatStaffAnswer() async throws {
        try await Self.withService { database, router in
            let customer = try Self.client(router, "customer-1", .customer)
            let response = try await customer.askQuestion(
                AskQuestionRequest.with {
                    $0.idempotencyKey = "q"; $0.question = "Is the moon base open on Sundays?"
                })
            guard case .ticket(let ticket) = response.result else {
                Issue.record("expected a ticket, got \(String(describing: response.result))")
                return
            }
            #expect(ticket.state == .open)
            #expect(ticket.openedAt != nil)
            // The retry does not open a second ticket.
            let again = try await customer.askQuestion(
                AskQuestionRequest.with {
                    $0.idempotencyKey = "q"; $0.question = "Is the moon base open on Sundays?"
                })
            #expect(again == response)
            let agent = try Self.client(router, "agent-1", .agent)
            let open = try await agent.listTickets(ListTicketsRequest.with { $0.state = .open })
            #expect(open.tickets.map(\.ticketID) == [ticket.ticketID])
            let answered = try await agent.answerTicket(
                AnswerTicketRequest.with {
                    $0.idempotencyKey = "a"; $0.ticketID = ticket.ticketID; $0.answer = "We do not ship to the moon."
                    $0.ruleID = "KB-SHIPPING-FREE"
                })
            #expect(answered.state == .answered)
            #expect(answered.answerRule?.ruleID == "KB-SHIPPING-FREE@v1")
            #expect(answered.notifications.last?.text.contains("We do not ship to the moon.") == true)
            let closed = try await customer.closeTicket(
                CloseTicketRequest.with {
                    $0.idempotencyKey = "c"; $0.ticketID = ticket.ticketID
                })
            #expect(closed.state == .closed)
            let other = try Self.client(router, "customer-2", .customer)
            let hidden = await #expect(throws: RPCError.self) {
                _ = try await other.getTicket(GetTicketRequest.with { $0.ticketID = ticket.ticketID })
            }
            #expect(hidden?.code == .notFound)
            let outbox = try await database.snapshot { db in try db.fetchCount("SELECT COUNT(*) FROM outbox") }
            #expect(outbox >= 6)
        }
    }

    @Test func rulesCatalogAndRatesAreVersioned() async throws {
        try await Self.withService { _, router in
            let agent = try Self.client(router, "agent-1", .agent)
            let published = try await agent.publishRule(
                PublishRuleRequest.with {
                    $0.idempotencyKey = "r"
                    $0.rule = InquiriesAPI.KnowledgeRule.with {
                        $0.ruleID = "KB-SHIPPING-FREE"; $0.topic = .shipping; $0.title = "Shipping"
                        $0.text = "Shipping is free on every order, worldwide, and arrives within 7 days."
                        $0.keywords = ["ship", "shipping"]
                    }
                })
            #expect(published.version == 2)
            #expect(published.knowledgeBaseVersion == 2)
            let rules = try await agent.listRules(ListRulesRequest.with { $0.topic = .shipping })
            #expect(rules.rules.map(\.version) == [2])
            #expect(rules.knowledgeBaseVersion == 2)
            let first = try await agent.upsertProduct(
                UpsertProductRequest.with {
                    $0.idempotencyKey = "p1"
                    $0.product = InquiriesAPI.Product.with {
                        $0.sku = "KET-1"; $0.name = "Kettle"; $0.specifications = ["power": "2200 W"]
                        $0.price = Money.with {
                            $0.minorUnits = 4_999; $0.currencyCode = "EUR"
                        }
                    }
                })
            #expect(first.catalogVersion == 1)
            #expect(try await Self.publishRates(agent).version == 1)
            let second = try await agent.publishRateTable(
                PublishRateTableRequest.with {
                    $0.idempotencyKey = "rates-2"; $0.baseCurrency = "EUR"
                    $0.rates = [
                        CurrencyRate.with {
                            $0.currencyCode = "EUR"; $0.minorDigits = 2; $0.unitsPerBase = "1"
                        }
                    ]
                })
            #expect(second.version == 2)
            let customer = try Self.client(router, "customer-1", .customer)
            let product = try await customer.askQuestion(
                AskQuestionRequest.with {
                    $0.idempotencyKey = "q"; $0.question = "What is its power?"; $0.sku = "KET-1"
                })
            guard case .answer(let answer) = product.result else {
                Issue.record("expected an answer")
                return
            }
            #expect(answer.parts.first?.rule?.ruleID == "CATALOG-KET-1@v1")
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        try await Self.withService { database, router in
            let agent = try Self.client(router, "agent-1", .agent)
            let customer = try Self.client(router, "customer-1", .customer)
            func code(_ call: () async throws -> Void) async -> StatusCode {
                do {
                    try await call()
                    return .ok
                } catch let error as RPCError {
                    return error.code
                } catch {
                    return .unknown
                }
            }
            #expect(
                await code {
                    _ = try await customer.askQuestion(
                        AskQuestionRequest.with {
                            $0.idempotencyKey = "1"; $0.question = ""
                        })
                } == .invalidArgument)
            #expect(
                await code {
                    _ = try await customer.askQuestion(
                        AskQuestionRequest.with {
                            $0.idempotencyKey = "2"; $0.question = String(repeating: "x", count: 4_001)
                        })
                } == .invalidArgument)
            #expect(
                await code {
                    _ = try await customer.askQuestion(
                        AskQuestionRequest.with {
                            $0.idempotencyKey = "3"; $0.question = "specs?"; $0.sku = "nope"
                        })
                } == .notFound)
            #expect(
                await code {
                    _ = try await customer.convertCurrency(
                        ConvertCurrencyRequest.with {
                            $0.amount = Money.with {
                                $0.minorUnits = 1; $0.currencyCode = "EUR"
                            }; $0.targetCurrency = "USD"
                        })
                } == .failedPrecondition)
            #expect(
                await code {
                    _ = try await agent.publishRateTable(
                        PublishRateTableRequest.with {
                            $0.idempotencyKey = "r"; $0.baseCurrency = "EUR"
                            $0.rates = [
                                CurrencyRate.with {
                                    $0.currencyCode = "EUR"; $0.minorDigits = 2; $0.unitsPerBase = "1.5e3"
                                }
                            ]
                        })
                } == .invalidArgument)
            #expect(
                await code { _ = try await customer.publishRule(PublishRuleRequest.with { $0.idempotencyKey = "x" }) }
                    == .permissionDenied)
            #expect(
                await code {
                    _ = try await agent.publishRule(
                        PublishRuleRequest.with {
                            $0.idempotencyKey = "x"; $0.rule = InquiriesAPI.KnowledgeRule()
                        })
                } == .invalidArgument)
            let counts = try await database.snapshot { db in
                (
                    try db.fetchCount("SELECT COUNT(*) FROM tickets"),
                    try db.fetchCount("SELECT COUNT(*) FROM rate_tables"),
                    try db.fetchCount("SELECT COUNT(*) FROM rules")
                )
            }
            #expect(counts == (0, 0, 7))
        }
    }

    @Test func everyRoleGetsExactlyTheMethodsThePolicyGivesIt() async throws {
        try await Self.withService { _, router in
            for role in Role.allCases {
                let client = try Self.client(router, "someone", role).rpc
                for method in Inquiries.Method.all {
                    var code = StatusCode.ok
                    do {
                        let _: (message: GetTicketRequest, headers: Metadata, trailers: Metadata) =
                            try await client.unaryCall(
                                method, GetTicketRequest())
                    } catch let error as RPCError {
                        code = error.code
                    }
                    let allowed = InquiriesService.accessPolicy.allows(Identity(subject: "someone", role: role), method)
                    #expect(
                        (code == .permissionDenied) == !allowed, "\(role.rawValue) calling \(method.method) got \(code)"
                    )
                    #expect(
                        code != .unauthenticated && code != .unimplemented && code != .unknown,
                        "\(method.method): \(code)")
                }
            }
        }
    }
}
