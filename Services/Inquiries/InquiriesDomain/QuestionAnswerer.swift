import SupportPolicy

/// Answers a question from official sources only: for every topic the question touches, the
/// current rules of that topic (those whose keywords appear in the question, or else all of the
/// topic's rules), the product's catalog entry, and the conversion made with the official rate
/// table. If any topic it touches has no official answer, or it touches none, there is no answer
/// (the question becomes a ticket): nothing is guessed.
public struct QuestionAnswerer: Sendable {
    /// The rule behind a question that becomes a ticket: nothing is guessed.
    public static let unansweredRule = PolicyRule(
        id: "INQ-NO-GUESS",
        text: "A question no official rule, catalog entry or rate table answers is not guessed at: it becomes a "
            + "ticket for staff, with the response-time clock running.")

    /// The current rules.
    public var rules: [KnowledgeRule]
    /// The product asked about, if any.
    public var product: Product?
    /// The conversion asked for, if any.
    public var conversion: CurrencyConversion?

    /// An answerer over these sources.
    public init(rules: [KnowledgeRule], product: Product? = nil, conversion: CurrencyConversion? = nil) {
        self.rules = rules
        self.product = product
        self.conversion = conversion
    }

    /// The topics a question touches: those given, those whose cues it contains, product details
    /// when a product is named and currency conversion when an amount is given. In topic order.
    public static func topics(of question: String, given: [Topic], namesProduct: Bool, givesAmount: Bool) -> [Topic] {
        let text = question.lowercased()
        var topics = Set(given)
        for topic in Topic.allCases where topic.cues.contains(where: { text.contains($0) }) { topics.insert(topic) }
        if namesProduct { topics.insert(.productDetails) }
        if givesAmount { topics.insert(.currencyConversion) }
        return topics.sorted { $0.rawValue < $1.rawValue }
    }

    /// The answer's parts, in topic order; nil when some topic has no official answer.
    public func answer(_ question: String, topics: [Topic]) -> [AnswerPart]? {
        guard !topics.isEmpty else { return nil }
        let text = question.lowercased()
        var parts: [AnswerPart] = []
        for topic in topics {
            switch topic {
            case .productDetails:
                guard let product else { return nil }
                parts.append(AnswerPart(topic: topic, text: product.detailsText, rule: product.reference))
            case .currencyConversion:
                if let conversion {
                    parts.append(
                        AnswerPart(
                            topic: topic,
                            text: "\(conversion.source) is \(conversion.converted) at \(conversion.rate) "
                                + "\(conversion.converted.currency) per \(conversion.source.currency) (rate table "
                                + "\(conversion.tableVersion), rounded \(RateTable.roundingRule)).",
                            rule: conversion.rule))
                }
                fallthrough
            default:
                let candidates = rules.filter { $0.topic == topic }.sorted { $0.id < $1.id }
                let matching = candidates.filter { rule in rule.keywords.contains { text.contains($0.lowercased()) } }
                let chosen = matching.isEmpty ? candidates : matching
                if chosen.isEmpty, !parts.contains(where: { $0.topic == topic }) { return nil }
                parts += chosen.map { AnswerPart(topic: topic, text: $0.text, rule: $0.reference) }
            }
        }
        return parts
    }
}
