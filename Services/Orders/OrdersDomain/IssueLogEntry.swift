import Foundation
import SupportPolicy

/// One entry of an issue's append-only resolution log.
public struct IssueLogEntry: Sendable, Hashable, Codable {
    /// Position, from 1.
    public var sequence: Int
    /// Who acted.
    public var actor: Actor
    /// "reported", "classified", "resolved", "evidence", "decided", "message", "closed".
    public var action: String
    /// Details for people.
    public var detail: String
    /// The rule applied, if any.
    public var rule: PolicyRule?
    /// When.
    public var at: Date

    /// A value from its parts.
    public init(sequence: Int, actor: Actor, action: String, detail: String, rule: PolicyRule?, at: Date) {
        self.sequence = sequence
        self.actor = actor
        self.action = action
        self.detail = detail
        self.rule = rule
        self.at = at
    }
}
