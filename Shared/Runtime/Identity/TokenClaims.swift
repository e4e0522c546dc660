/// The JWT claims the platform reads and writes.
struct TokenClaims: Codable, Sendable {
    /// Subject.
    var sub: String
    /// Role: customer, agent, service or auditor.
    var role: String
    /// Issuer.
    var iss: String
    /// Audience: one string, or several.
    var aud: Audience
    /// Expiry, seconds since the epoch.
    var exp: Double
    /// Not before, seconds since the epoch.
    var nbf: Double?
    /// Issued at, seconds since the epoch.
    var iat: Double?

    /// `aud` as JWT allows it: a string or an array of strings.
    enum Audience: Codable, Sendable {
        case one(String)
        case many([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) {
                self = .one(value)
            } else {
                self = .many(try container.decode([String].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .one(let value): try container.encode(value)
            case .many(let values): try container.encode(values)
            }
        }

        func contains(_ audience: String) -> Bool {
            switch self {
            case .one(let value): value == audience
            case .many(let values): values.contains(audience)
            }
        }
    }
}
