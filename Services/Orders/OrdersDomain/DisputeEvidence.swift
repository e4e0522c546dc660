import Foundation
import SupportPolicy

/// One piece of evidence in a dispute.
public struct DisputeEvidence: Sendable, Hashable, Codable {
    /// The side it supports.
    public var party: DisputeParty
    /// The statement.
    public var statement: String
    /// Links to attachments.
    public var attachmentURIs: [String]
    /// Who submitted it.
    public var submittedBy: Actor
    /// When.
    public var submittedAt: Date

    /// A value from its parts.
    public init(party: DisputeParty, statement: String, attachmentURIs: [String], submittedBy: Actor, submittedAt: Date)
    {
        self.party = party
        self.statement = statement
        self.attachmentURIs = attachmentURIs
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
    }
}
