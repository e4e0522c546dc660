import CommonAPI
import Foundation
import InquiriesAPI
import InquiriesDomain
import Runtime
import SupportPolicy
import Wire

extension KnowledgeRule {
    /// The contract's message.
    var wire: WireKnowledgeRule {
        WireKnowledgeRule.with {
            $0.ruleID = id
            $0.topic = WireTopic(rawValue: Int32(topic.rawValue))
            $0.title = title
            $0.text = text
            $0.keywords = keywords
            $0.version = Int32(clamping: version)
            $0.knowledgeBaseVersion = knowledgeBaseVersion
            $0.policyVersion = policyVersion
            $0.publishedAt = Timestamp(publishedAt)
        }
    }

    /// A rule from a message (version and publication filled in when published).
    init(wire: WireKnowledgeRule) throws(InquiriesError) {
        guard let topic = Topic(rawValue: Int(wire.topic.rawValue)) else {
            throw .invalid("topic must be one of the Topic values (not UNSPECIFIED)")
        }
        self.init(
            id: wire.ruleID, topic: topic, title: wire.title, text: wire.text, keywords: wire.keywords,
            version: Int(wire.version), knowledgeBaseVersion: wire.knowledgeBaseVersion,
            policyVersion: wire.policyVersion.isEmpty ? Policy.version : wire.policyVersion,
            publishedAt: wire.publishedAt?.date ?? Date(timeIntervalSince1970: 0))
    }
}

extension Product {
    /// The contract's message.
    var wire: WireProduct {
        WireProduct.with {
            $0.sku = sku
            $0.name = name
            $0.description = description
            $0.specifications = specifications
            $0.price = price.wire
            $0.catalogVersion = catalogVersion
        }
    }

    /// A product from a message.
    init(wire: WireProduct) throws(InquiriesError) {
        guard let price = wire.price else { throw .invalid("product.price is required") }
        self.init(
            sku: wire.sku, name: wire.name, description: wire.description, specifications: wire.specifications,
            price: Money(trustedWire: price),
            catalogVersion: wire.catalogVersion)
    }
}

extension RateTable {
    /// The contract's message.
    var wire: WireRateTable {
        WireRateTable.with {
            $0.version = version
            $0.baseCurrency = base
            $0.rates = entries.keys.sorted().compactMap { code in
                entries[code].map { entry in
                    CurrencyRate.with {
                        $0.currencyCode = code
                        $0.minorDigits = Int32(entry.minorDigits)
                        $0.unitsPerBase = entry.rate.decimal
                    }
                }
            }
            $0.publishedAt = Timestamp(publishedAt)
        }
    }

    /// A table from its parts in a message.
    init(version: Int64, base: String, rates: [CurrencyRate], publishedAt: Date) throws(InquiriesError) {
        var entries: [String: Entry] = [:]
        for rate in rates {
            guard let value = ExchangeRate(decimal: rate.unitsPerBase) else {
                throw .invalid(
                    "\(rate.currencyCode): units_per_base '\(rate.unitsPerBase)' is not a positive decimal with at most 9 fractional digits"
                )
            }
            guard entries[rate.currencyCode] == nil else { throw .invalid("\(rate.currencyCode) is listed twice") }
            entries[rate.currencyCode] = Entry(minorDigits: Int(rate.minorDigits), rate: value)
        }
        self.init(version: version, base: base, entries: entries, publishedAt: publishedAt)
    }
}

extension CurrencyConversion {
    /// The contract's message.
    var wire: WireCurrencyConversion {
        WireCurrencyConversion.with {
            $0.source = source.wire
            $0.converted = converted.wire
            $0.rate = rate
            $0.rateTableVersion = tableVersion
            $0.roundingRule = RateTable.roundingRule
            $0.rule = rule.wire
        }
    }
}

extension Ticket {
    /// The contract's message.
    var wire: WireTicket {
        WireTicket.with {
            $0.ticketID = id
            $0.askedBy = askedBy.wire
            $0.question = question
            $0.topics = topics.map { WireTopic(rawValue: Int32($0.rawValue)) }
            $0.state = WireTicketState(rawValue: Int32(state.rawValue))
            $0.answer = answer
            $0.answerRule = answerRule?.wire
            $0.messages = messages.map(\.wire)
            $0.openedAt = Timestamp(openedAt)
            $0.answeredAt = answeredAt.map { Timestamp($0) }
            $0.closedAt = closedAt.map { Timestamp($0) }
            $0.notifications = notifications.map { $0.notification(for: askedBy.subject) }
        }
    }

    /// A ticket as the store kept it.
    init(stored wire: WireTicket) throws(InquiriesError) {
        guard let state = TicketState(rawValue: Int(wire.state.rawValue)), let opened = wire.openedAt else {
            throw .invalid("stored ticket \(wire.ticketID) is unreadable")
        }
        self.init(
            id: wire.ticketID, askedBy: Actor(wire: wire.askedBy), question: wire.question,
            topics: wire.topics.compactMap { Topic(rawValue: Int($0.rawValue)) }, state: state, answer: wire.answer,
            answerRule: wire.answerRule.map { PolicyRule(wire: $0) },
            messages: wire.messages.map { CaseMessage(wire: $0, default: opened.date) },
            notifications: wire.notifications.map {
                CaseMessage(notification: $0, from: "inquiries", default: opened.date)
            }, openedAt: opened.date, answeredAt: wire.answeredAt?.date, closedAt: wire.closedAt?.date)
    }
}
