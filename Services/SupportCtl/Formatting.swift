import CommonAPI
import Foundation
import OversightAPI
import Runtime
import SupportPolicy
import Wire

/// How supportctl writes wire values for people.
enum Formatting {
    /// "49.99 EUR".
    static func money(_ value: CommonAPI.Money?) -> String {
        guard let value else { return "-" }
        return "\(SupportPolicy.Money(trustedWire: value))"
    }

    /// An ISO 8601 time, or "-".
    static func time(_ value: Timestamp?) -> String {
        value.map { $0.date.formatted(.iso8601) } ?? "-"
    }

    /// "RULE-ID (policy 2026.11)".
    static func rule(_ value: PolicyReference?) -> String {
        guard let value, !value.ruleID.isEmpty else { return "-" }
        return "\(value.ruleID) (policy \(value.policyVersion))"
    }

    /// A mean score of 5 with two decimals ("4.50"), or "no ratings" when there are none (a mean
    /// of nothing is not 0).
    static func meanScore(_ figures: AttitudeFigures) -> String {
        guard figures.ratings > 0 else { return "no ratings" }
        return String(format: "%.2f", Double(figures.meanScoreMilli) / 1_000)
    }

    /// An enum case name as written in proto ("inTransit" -> "IN_TRANSIT").
    static func name(_ value: Any) -> String {
        var result = ""
        for character in "\(value)" {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.uppercased()
        }
        return result
    }
}
