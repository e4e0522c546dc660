import Foundation

/// A message between the customer and support on a case.
public struct CaseMessage: Sendable, Hashable, Codable {
    /// Unique id.
    public var id: String
    /// Who wrote it.
    public var author: Actor
    /// The text.
    public var text: String
    /// When it was sent.
    public var sentAt: Date

    /// A value from its parts.
    public init(id: String, author: Actor, text: String, sentAt: Date) {
        self.id = id
        self.author = author
        self.text = text
        self.sentAt = sentAt
    }
}
