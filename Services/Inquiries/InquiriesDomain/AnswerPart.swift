import SupportPolicy

/// One part of a composed answer: the official text for one topic and the rule it comes from.
public struct AnswerPart: Sendable, Hashable {
    /// The topic it answers.
    public var topic: Topic
    /// The official text.
    public var text: String
    /// The rule cited.
    public var rule: PolicyRule

    /// A part.
    public init(topic: Topic, text: String, rule: PolicyRule) {
        self.topic = topic
        self.text = text
        self.rule = rule
    }
}
