import Crypto
import Foundation

/// The anti-forgery token every form carries. It is an HMAC-SHA256, keyed with the secret the
/// browser holds in an HttpOnly cookie (the session's token, or before sign-in a random nonce),
/// of a fixed label: a page of the console can write it into its forms, another site can neither
/// read the cookie nor compute the token. Nothing is stored on the server, so any replica checks
/// it.
public enum CSRFToken {
    /// The form field that carries it.
    public static let field = "csrf"

    /// The token for forms posted with `secret` (the cookie's value).
    public static func token(for secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("support-console csrf v1".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Base64URLText.encode(Data(mac))
    }

    /// Whether `presented` is the token for `secret`, compared in constant time. An empty secret
    /// (no cookie) never matches.
    public static func isValid(_ presented: String?, for secret: String?) -> Bool {
        guard let presented, let secret, !secret.isEmpty else { return false }
        let expected = Array(token(for: secret).utf8)
        let given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
