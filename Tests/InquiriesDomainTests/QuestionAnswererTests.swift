import Foundation
import InquiriesDomain
import SupportPolicy
import Testing

/// Answers come from official rules only, each part citing its rule; questions spanning several
/// areas get every area; questions no rule answers get no answer (they become tickets).
@Suite struct QuestionAnswererTests {
    static let rules = OfficialKnowledge.initialRules(at: Date(timeIntervalSince1970: 0))
    static let answerer = QuestionAnswerer(rules: rules)

    @Test(arguments: [
        (Topic.returns, "Can I return a kettle?", "KB-RETURNS-WINDOW@v1"),
        (.refunds, "How long does a refund take?", "KB-REFUNDS-TIMELINE@v1"),
        (.shipping, "Do you charge for shipping?", "KB-SHIPPING-FREE@v1"),
        (.currencyConversion, "Which currency will I pay in?", "KB-CURRENCY-RULE@v1"),
        (.serviceRules, "How does support treat customers?", "KB-SERVICE-RULES@v1"),
        (.shoppingProcess, "How do I checkout?", "KB-SHOPPING-PROCESS@v1"),
    ])
    func eachTopicIsAnsweredWithItsRule(_ topic: Topic, _ question: String, _ rule: String) throws {
        let topics = QuestionAnswerer.topics(of: question, given: [], namesProduct: false, givesAmount: false)
        #expect(topics.contains(topic))
        let parts = try #require(Self.answerer.answer(question, topics: [topic]))
        #expect(parts.contains { $0.rule.id == rule })
        #expect(parts.allSatisfy { $0.topic == topic && $0.rule.version == Policy.version })
        let official = try #require(Self.rules.first { "\($0.id)@v1" == rule })
        #expect(parts.contains { $0.text == official.text })
    }

    @Test func aMultiAreaQuestionIsAnsweredInEveryArea() throws {
        let question = "If I buy this in EUR and return it after 45 days, what do I get back and when?"
        let topics = QuestionAnswerer.topics(of: question, given: [], namesProduct: false, givesAmount: false)
        #expect(topics == [.returns, .refunds, .currencyConversion])
        let parts = try #require(Self.answerer.answer(question, topics: topics))
        #expect(Set(parts.map(\.topic)) == [.returns, .refunds, .currencyConversion])
        let cited = Set(parts.map(\.rule.id))
        #expect(cited.isSuperset(of: ["KB-RETURNS-WINDOW@v1", "KB-REFUNDS-TIMELINE@v1", "KB-CURRENCY-RULE@v1"]))
    }

    @Test func productQuestionsCiteTheCatalogEntry() throws {
        let product = Product(
            sku: "KET-1", name: "Kettle", description: "1.7 l steel kettle",
            specifications: ["power": "2200 W", "volume": "1.7 l"],
            price: Money(minorUnits: 4_999, currency: "EUR"), catalogVersion: 4)
        let parts = try #require(
            QuestionAnswerer(rules: Self.rules, product: product).answer(
                "What is its power?", topics: [.productDetails]))
        #expect(parts.first?.rule.id == "CATALOG-KET-1@v4")
        #expect(parts.first?.text.contains("power: 2200 W") == true)
    }

    @Test func questionsNoRuleAnswersGetNoAnswer() {
        let question = "Can I pay with seashells on the moon base?"
        let topics = QuestionAnswerer.topics(
            of: "Is the moon base open on Sundays?", given: [], namesProduct: false, givesAmount: false)
        #expect(topics.isEmpty)
        #expect(Self.answerer.answer("Is the moon base open on Sundays?", topics: topics) == nil)
        // A topic without any rule is not guessed at either.
        #expect(QuestionAnswerer(rules: []).answer(question, topics: [.shoppingProcess]) == nil)
        // A product question without a product is not answered.
        #expect(Self.answerer.answer("What is its weight?", topics: [.productDetails]) == nil)
    }

    @Test func aTicketRunsFromOpenToAnsweredToClosed() throws {
        let customer = Actor(subject: "c-1", role: .customer)
        let agent = Actor(subject: "a-1", role: .agent)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var (ticket, opened) = Ticket.open(id: "t-1", question: "Moon base?", topics: [], by: customer, at: now)
        #expect(ticket.state == .open)
        #expect(opened.contains(.opened))
        #expect(throws: InquiriesError.self) { _ = try ticket.close(at: now) }
        let later = now.addingTimeInterval(3_600)
        let answered = try ticket.answer("We do not ship to the moon.", rule: nil, by: agent, at: later)
        #expect(ticket.state == .answered)
        #expect(ticket.answeredAt == later)
        #expect(answered.contains(.resolved))
        #expect(ticket.notifications.last?.text.contains("We do not ship to the moon.") == true)
        #expect(throws: InquiriesError.self) { _ = try ticket.answer("again", rule: nil, by: agent, at: later) }
        _ = try ticket.close(at: later)
        #expect(ticket.state == .closed)
        #expect(throws: InquiriesError.self) { _ = try ticket.addMessage("hi", by: customer, at: later) }
    }
}
