import CommonAPI

/// How the console names the services' enum values and actors for people.
enum Names {
    /// An enum case as words: `shippingAnomaly` is "shipping anomaly".
    static func of(_ value: Any) -> String {
        var result = ""
        for character in "\(value)" {
            if character.isUppercase, !result.isEmpty { result += " " }
            result += character.lowercased()
        }
        return result
    }

    /// An actor: "agent-1 (agent)".
    static func actor(_ actor: Actor?) -> String {
        guard let actor else { return "-" }
        return "\(actor.subject) (\(of(actor.role)))"
    }
}
