import Foundation
import SupportPolicy

/// The official rules the knowledge base starts with (knowledge-base version 1, policy 2026.11).
/// Later changes are published through PublishRule, each a new version.
public enum OfficialKnowledge {
    /// The initial rules.
    public static func initialRules(at date: Date) -> [KnowledgeRule] {
        let entries: [(String, Topic, String, String, [String])] = [
            (
                "KB-RETURNS-WINDOW", .returns, "Return window",
                "You can open a return until the end of the 60th day after delivery (UTC calendar days; the delivery "
                    + "day is day 0). Return shipping is free: every return gets a prepaid label.",
                ["return", "days", "window", "label", "send back"]
            ),
            (
                "KB-RETURNS-REMEDY", .returns, "Refund or replacement",
                "Defective, damaged-in-shipping or wrong items can be refunded or replaced; other returns are refunded.",
                ["replace", "replacement", "defect", "damaged", "wrong item"]
            ),
            (
                "KB-REFUNDS-TIMELINE", .refunds, "When refunds arrive",
                "Refunds go back to the original payment method, in the currency you paid, and complete within 5 to "
                    + "10 days of approval. You get back what you paid for the returned items; no fee is deducted.",
                ["refund", "when", "how long", "get back", "money back"]
            ),
            (
                "KB-SHIPPING-FREE", .shipping, "Shipping",
                "Shipping is free on every order, worldwide. Each order can be tracked from pickup to delivery.",
                ["ship", "shipping", "delivery", "track"]
            ),
            (
                "KB-CURRENCY-RULE", .currencyConversion, "Currency conversion",
                "You pay in the currency shown at checkout. Conversions use the official rate table and are rounded "
                    + "half-even to the target currency's minor unit; refunds are paid in the currency you paid in.",
                ["currency", "convert", "exchange", "rate"]
            ),
            (
                "KB-SERVICE-RULES", .serviceRules, "How support works",
                "Every customer gets the same standardized answer and outcome for the same facts, whatever the region, "
                    + "order value or account age. Questions no official rule answers go to staff as tickets.",
                ["support", "agent", "complaint", "contact"]
            ),
            (
                "KB-SHOPPING-PROCESS", .shoppingProcess, "How to shop",
                "Add items to your cart, check out, and pay; the order is confirmed by email with its tracking once shipped.",
                ["checkout", "cart", "pay", "order", "account"]
            ),
        ]
        return entries.map { id, topic, title, text, keywords in
            KnowledgeRule(
                id: id, topic: topic, title: title, text: text, keywords: keywords, version: 1, knowledgeBaseVersion: 1,
                publishedAt: date)
        }
    }
}
