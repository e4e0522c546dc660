/// The role a caller acts in, as its bearer token states it. Exactly one per token.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// A shopper, acting on their own orders, returns, refunds, questions and complaints only.
    case customer
    /// A support agent.
    case agent
    /// Another service: the storefront, chat, the payment side, or a peer support service.
    case service
    /// An auditor, reading oversight data and marking audit samples.
    case auditor
}
