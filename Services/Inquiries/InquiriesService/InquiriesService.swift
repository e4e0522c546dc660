import CommonAPI
import Foundation
import InquiriesAPI
import InquiriesDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// `support.inquiries.v1.Inquiries`: answers from the official, versioned knowledge base, catalog
/// and rate table only; questions no rule answers become tickets for staff. Every answer and
/// ticket step is recorded for Oversight through the outbox.
public struct InquiriesService: Inquiries.ServiceProtocol {
    let store: any InquiriesStore
    let clock: @Sendable () -> Date

    /// The service on `database`; `clock` gives "now".
    public init(database: ServiceDatabase, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = SQLInquiriesStore(database: database)
        self.clock = clock
    }

    /// The migrations of the Inquiries database, for SQLite and PostgreSQL alike.
    public static var schema: [SchemaMigration] {
        InquiriesSchema.migrations
    }

    /// Who may call which method.
    public static var accessPolicy: AccessPolicy { InquiriesAccess.policy }

    /// The contract's descriptors (with imports), for reflection.
    public static let protoFiles: [ProtoFile] = [
        .supportInquiriesV1Inquiries, .supportCommonV1Common, .googleProtobufTimestamp,
    ]

    /// Answers a question, or opens a ticket.
    public func askQuestion(_ request: AskQuestionRequest, context: ServerContext) async throws -> AskQuestionResponse {
        let caller = try context.identity
        guard TextLimit.admits(request.question, characters: 4_000),
            !TextLimit.isBlank(request.question)
        else { throw RPCError(.invalidArgument, "question must be 1 to 4000 characters (16000 UTF-8 bytes)") }
        let given = request.topics.compactMap { Topic(rawValue: Int($0.rawValue)) }
        guard given.count == request.topics.count else {
            throw RPCError(.invalidArgument, "topics must be Topic values (not UNSPECIFIED)")
        }
        let amount = try request.amount.map { try Money(wire: $0, field: "amount") }
        if amount != nil, !Currency.isValid(request.targetCurrency) {
            throw RPCError(.invalidArgument, "target_currency must be an ISO 4217 code the platform accepts")
        }
        let askedAt = clock()
        let ticketID = "TKT-\(UUID.timeOrdered(at: askedAt).uuidString.lowercased())"
        return try await store.command(
            Inquiries.Method.askQuestion, request, key: request.idempotencyKey, caller: caller.subject, at: askedAt
        ) {
            transaction, now in
            let product = request.sku.isEmpty ? nil : try transaction.product(sku: request.sku)
            if !request.sku.isEmpty, product == nil {
                throw InquiriesError.notFound("product '\(request.sku)' not found")
            }
            let table = try transaction.latestRateTable()
            let conversion = try amount.flatMap { amount in
                try table.map { try CurrencyConversion.convert(amount, to: request.targetCurrency, with: $0) }
            }
            let (rules, kbVersion) = try transaction.currentRules(topic: nil)
            let topics = QuestionAnswerer.topics(
                of: request.question, given: given, namesProduct: product != nil, givesAmount: amount != nil)
            let actor = Actor(caller)
            let answerer = QuestionAnswerer(rules: rules, product: product, conversion: conversion)
            guard let parts = answerer.answer(request.question, topics: topics),
                amount == nil || conversion != nil
            else {
                let (ticket, changes) = Ticket.open(
                    id: ticketID, question: request.question, topics: topics, by: actor, at: now)
                try transaction.save(ticket)
                try transaction.record(InquiriesEvents.events(for: changes, ticket: ticket, by: actor, at: now))
                return AskQuestionResponse.with { $0.result = .ticket(ticket.wire) }
            }
            let answer = Answer.with {
                $0.parts = parts.map { part in
                    WireAnswerPart.with {
                        $0.topic = WireTopic(rawValue: Int32(part.topic.rawValue))
                        $0.text = part.text
                        $0.rule = part.rule.wire
                    }
                }
                $0.knowledgeBaseVersion = kbVersion
                $0.catalogVersion = product?.catalogVersion ?? 0
                $0.rateTableVersion = conversion?.tableVersion ?? 0
                $0.text = parts.map(\.text).joined(separator: "\n")
            }
            try transaction.record(InquiriesEvents.answered(request.question, parts: parts, by: actor, at: now))
            return AskQuestionResponse.with { $0.result = .answer(answer) }
        }
    }

    /// One product.
    public func getProduct(_ request: GetProductRequest, context: ServerContext) async throws -> InquiriesAPI.Product {
        _ = try context.identity
        guard let product = try await store.read({ try $0.product(sku: request.sku) }) else {
            throw RPCError(.notFound, "product '\(request.sku)' not found")
        }
        return product.wire
    }

    /// The catalog.
    public func listProducts(_ request: ListProductsRequest, context: ServerContext) async throws
        -> ListProductsResponse
    {
        _ = try context.identity
        guard TextLimit.admits(request.query, characters: 200) else {
            throw RPCError(.invalidArgument, "query is longer than 200 characters (800 UTF-8 bytes)")
        }
        let size = try PageCursor.pageSize(request.page?.pageSize ?? 0)
        let after = try PageCursor(token: request.page?.pageToken ?? "")?.id ?? ""
        let products = try await store.read { try $0.products(matching: request.query, after: after, limit: size + 1) }
        return ListProductsResponse.with {
            $0.products = products.prefix(size).map(\.wire)
            if products.count > size, let last = products.prefix(size).last {
                $0.nextPageToken = PageCursor(sortKey: 0, id: last.sku).token
            }
        }
    }

    /// Converts an amount with the official table.
    public func convertCurrency(_ request: ConvertCurrencyRequest, context: ServerContext) async throws
        -> InquiriesAPI.CurrencyConversion
    {
        _ = try context.identity
        let amount = try Money(wire: request.amount, field: "amount", allowNegative: true)
        guard Currency.isValid(request.targetCurrency) else {
            throw RPCError(.invalidArgument, "target_currency must be an ISO 4217 code the platform accepts")
        }
        guard let table = try await store.newestRateTable() else {
            throw RPCError(.failedPrecondition, "no official rate table has been published yet")
        }
        return try CurrencyConversion.convert(amount, to: request.targetCurrency, with: table).wire
    }

    /// The current rules.
    public func listRules(_ request: ListRulesRequest, context: ServerContext) async throws -> ListRulesResponse {
        _ = try context.identity
        let topic = Topic(rawValue: Int(request.topic.rawValue))
        if topic == nil, request.topic != .unspecified {
            throw RPCError(.invalidArgument, "topic is not a Topic value")
        }
        let (rules, version) = try await store.read { try $0.currentRules(topic: topic) }
        return ListRulesResponse.with {
            $0.rules = rules.map(\.wire)
            $0.knowledgeBaseVersion = version
        }
    }

    /// Publishes a rule version.
    public func publishRule(_ request: PublishRuleRequest, context: ServerContext) async throws
        -> InquiriesAPI.KnowledgeRule
    {
        let caller = try context.identity
        guard let wire = request.rule else { throw RPCError(.invalidArgument, "rule is required") }
        let rule = try KnowledgeRule(wire: wire)
        try rule.validate()
        return try await store.command(
            Inquiries.Method.publishRule, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, now in try transaction.publish(rule, at: now).wire
        }
    }

    /// Adds or updates a product.
    public func upsertProduct(_ request: UpsertProductRequest, context: ServerContext) async throws
        -> InquiriesAPI.Product
    {
        let caller = try context.identity
        guard let wire = request.product else { throw RPCError(.invalidArgument, "product is required") }
        let product = try Product(wire: wire)
        try product.validate()
        return try await store.command(
            Inquiries.Method.upsertProduct, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, _ in try transaction.upsert(product).wire
        }
    }

    /// Publishes a rate table version.
    public func publishRateTable(_ request: PublishRateTableRequest, context: ServerContext) async throws
        -> InquiriesAPI.RateTable
    {
        let caller = try context.identity
        let now = clock()
        let table = try RateTable(version: 0, base: request.baseCurrency, rates: request.rates, publishedAt: now)
        try table.validate()
        return try await store.command(
            Inquiries.Method.publishRateTable, request, key: request.idempotencyKey, caller: caller.subject, at: clock()
        ) {
            transaction, _ in try transaction.publish(table).wire
        }
    }

    /// The rate table in force (the latest published).
    public func getRateTable(_ request: GetRateTableRequest, context: ServerContext) async throws
        -> InquiriesAPI.RateTable
    {
        _ = try context.identity
        guard let table = try await store.read({ try $0.latestRateTable() }) else {
            throw RPCError(.notFound, "no rate table has been published yet")
        }
        return table.wire
    }

}
