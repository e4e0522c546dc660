/// One key of a JWKS file (RFC 7517) as the platform reads and writes it: an EC P-256 public key
/// for ES256, with two members of the platform's own restricting what it may sign for.
///
/// ```json
/// {"kty": "EC", "crv": "P-256", "x": "...", "y": "...", "kid": "orders-2026-11", "alg": "ES256",
///  "use": "sig", "subjects": ["orders"], "roles": ["service"]}
/// ```
struct JSONWebKey: Codable, Sendable {
    /// Key type: "EC".
    var kty: String
    /// Curve: "P-256".
    var crv: String?
    /// The x coordinate, base64url.
    var x: String?
    /// The y coordinate, base64url.
    var y: String?
    /// Key id; absent: the key's RFC 7638 thumbprint.
    var kid: String?
    /// Algorithm: "ES256" when present.
    var alg: String?
    /// Use: "sig" when present.
    var use: String?
    /// The subjects the key may sign tokens for; absent: any.
    var subjects: [String]?
    /// The roles the key may sign tokens for; absent: any.
    var roles: [String]?

    /// The file: `{"keys": [...]}`.
    struct Set: Codable, Sendable {
        var keys: [JSONWebKey]
    }
}
