import Foundation
import InquiriesDomain
import Storage

/// How a knowledge-base rule version is kept: a row of `rules` per (rule, version) and its
/// keywords as rows of `rule_keywords`. The same SQL on SQLite and PostgreSQL.
enum RuleRows {
    /// Stores one published version of a rule.
    static func insert(_ rule: KnowledgeRule, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO rules (rule_id, version, topic, title, text, policy_version, knowledge_base_version,
                published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                rule.id, rule.version, rule.topic.rawValue, rule.title, rule.text, rule.policyVersion,
                rule.knowledgeBaseVersion, rule.publishedAt,
            ])
        for (position, keyword) in rule.keywords.enumerated() {
            try db.execute(
                "INSERT INTO rule_keywords (rule_id, version, position, keyword) VALUES (?, ?, ?, ?)",
                [rule.id, rule.version, position, keyword])
        }
    }

    /// The current version of every rule (of `topic`, if given), by id.
    static func current(topic: Topic?, in db: some SQLConnection) throws -> [KnowledgeRule] {
        var sql = """
            SELECT rule_id, version, topic, title, text, policy_version, knowledge_base_version, published_at
            FROM rules r WHERE version = (SELECT MAX(version) FROM rules WHERE rule_id = r.rule_id)
            """
        var arguments: [any SQLBindable] = []
        if let topic {
            sql += " AND topic = ?"
            arguments.append(topic.rawValue)
        }
        return try db.fetchRows(sql + " ORDER BY rule_id", arguments).map { row in
            let id = try row.string(0)
            let version = try row.int(1)
            guard let topic = Topic(rawValue: try row.int(2)) else {
                throw StoredValueError(column: 2, expected: "a known topic")
            }
            let keywords = try db.fetchRows(
                "SELECT keyword FROM rule_keywords WHERE rule_id = ? AND version = ? ORDER BY position", [id, version]
            ).map { try $0.string(0) }
            return KnowledgeRule(
                id: id, topic: topic, title: try row.string(3), text: try row.string(4), keywords: keywords,
                version: version, knowledgeBaseVersion: try row.int64(6), policyVersion: try row.string(5),
                publishedAt: try row.date(7))
        }
    }
}
