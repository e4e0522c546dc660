import Foundation

/// Base64url without padding (RFC 4648 section 5), for tokens written into cookies and forms.
enum Base64URLText {
    /// `data` encoded.
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `count` random bytes, encoded.
    static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode(Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }
}

extension Base64URLText {
    /// A random seed for an audit sample, as decimal text (below 10^12, easy to note down).
    static func randomSeed() -> String {
        String(UInt64.random(in: 1...999_999_999_999))
    }
}
