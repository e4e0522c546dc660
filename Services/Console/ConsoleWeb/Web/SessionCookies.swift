import Hummingbird

/// The console's cookies and their attributes: every one HttpOnly, SameSite=Strict, Path=/, and
/// Secure when the console is reached over TLS (`--secure-cookies`, or TLS in front of it).
public struct SessionCookies: Sendable {
    /// The cookie holding the signed-in person's token.
    public static let session = "console_session"
    /// The cookie holding the nonce that keys the sign-in form's CSRF token before a session exists.
    public static let presession = "console_presession"

    /// Whether cookies carry Secure.
    public let secure: Bool

    /// Cookies that carry Secure when `secure`.
    public init(secure: Bool) {
        self.secure = secure
    }

    /// A cookie `name` holding `value`, kept for `maxAge` seconds.
    public func cookie(_ name: String, value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: max(0, maxAge), path: "/", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    /// A cookie that removes `name`.
    public func removal(_ name: String) -> Cookie {
        cookie(name, value: "", maxAge: 0)
    }
}
