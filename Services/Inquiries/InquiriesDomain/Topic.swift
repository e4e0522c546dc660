/// The areas a pre-purchase question can touch.
public enum Topic: Int, Sendable, Hashable, Codable, CaseIterable {
    /// A product's details and specifications.
    case productDetails = 1
    /// How support works.
    case serviceRules
    /// Shipping.
    case shipping
    /// Returns.
    case returns
    /// Refunds.
    case refunds
    /// Currency conversion.
    case currencyConversion
    /// How to shop.
    case shoppingProcess

    /// Words that place a question in this topic when the caller did not say.
    public var cues: [String] {
        switch self {
        case .productDetails:
            ["spec", "specification", "size", "weight", "material", "dimension", "feature", "made of"]
        case .serviceRules: ["support", "complaint", "agent", "contact", "service rule"]
        case .shipping: ["ship", "shipping", "delivery", "deliver", "arrive", "courier"]
        case .returns: ["return", "send back", "send it back"]
        case .refunds: ["refund", "money back", "get back", "reimburse"]
        case .currencyConversion: ["currency", "convert", "exchange rate", "in eur", "in usd", "in gbp", "in jpy"]
        case .shoppingProcess: ["checkout", "pay", "payment", "order", "cart", "account"]
        }
    }
}
