import Foundation
import SupportPolicy

/// One official rule of the knowledge base, in one of its versions.
public struct KnowledgeRule: Sendable, Hashable {
    /// Stable id, such as "KB-RETURNS-WINDOW".
    public var id: String
    /// Its topic.
    public var topic: Topic
    /// A short title.
    public var title: String
    /// The official text, given verbatim in answers.
    public var text: String
    /// Words that select it within its topic.
    public var keywords: [String]
    /// This rule's version, from 1.
    public var version: Int
    /// The knowledge-base version that published it.
    public var knowledgeBaseVersion: Int64
    /// The policy version it belongs to.
    public var policyVersion: String
    /// When it was published.
    public var publishedAt: Date

    /// A rule.
    public init(
        id: String, topic: Topic, title: String, text: String, keywords: [String], version: Int,
        knowledgeBaseVersion: Int64, policyVersion: String = Policy.version, publishedAt: Date
    ) {
        self.id = id
        self.topic = topic
        self.title = title
        self.text = text
        self.keywords = keywords
        self.version = version
        self.knowledgeBaseVersion = knowledgeBaseVersion
        self.policyVersion = policyVersion
        self.publishedAt = publishedAt
    }

    /// The reference answers cite.
    public var reference: PolicyRule {
        PolicyRule(id: "\(id)@v\(version)", text: text, version: policyVersion)
    }

    /// Checks a rule before it is published.
    public func validate() throws(InquiriesError) {
        guard !id.isEmpty, id.utf8.count <= 100, id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalid("rule_id must be 1 to 100 printable ASCII characters")
        }
        guard !title.isEmpty, TextLimit.admits(title, characters: 200) else {
            throw .invalid("title must be 1 to 200 characters (800 UTF-8 bytes)")
        }
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("text must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        guard keywords.count <= 50, keywords.allSatisfy({ !$0.isEmpty && TextLimit.admits($0, characters: 100) }) else {
            throw .invalid("keywords: at most 50, each 1 to 100 characters (400 UTF-8 bytes)")
        }
    }
}
