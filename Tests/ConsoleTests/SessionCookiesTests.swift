import Foundation
import Hummingbird
import Testing

@testable import ConsoleWeb

@Suite("Session cookies")
struct SessionCookiesTests {
    /// The attributes of a Set-Cookie value, lower-cased, without the name=value pair.
    func attributes(_ header: String) -> Set<String> {
        Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    @Test("the session cookie is HttpOnly, SameSite=Strict, Path=/ and lives as long as asked")
    func sessionCookieAttributes() {
        let cookie = SessionCookies(secure: false).cookie(SessionCookies.session, value: "a.b.c", maxAge: 600)
        let header = cookie.description
        #expect(header.hasPrefix("console_session=a.b.c;"))
        let set = attributes(header)
        #expect(set.contains("httponly"))
        #expect(set.contains("samesite=strict"))
        #expect(set.contains("path=/"))
        #expect(set.contains("max-age=600"))
        #expect(!set.contains("secure"))
    }

    @Test("behind TLS the cookies carry Secure")
    func secureBehindTLS() {
        let cookies = SessionCookies(secure: true)
        #expect(
            attributes(cookies.cookie(SessionCookies.session, value: "t", maxAge: 60).description).contains("secure"))
        #expect(attributes(cookies.removal(SessionCookies.presession).description).contains("secure"))
    }

    @Test("a removal empties the cookie with Max-Age=0 and keeps the attributes")
    func removal() {
        let header = SessionCookies(secure: false).removal(SessionCookies.session).description
        #expect(header.hasPrefix("console_session=;"))
        let set = attributes(header)
        #expect(set.contains("max-age=0"))
        #expect(set.contains("httponly"))
        #expect(set.contains("samesite=strict"))
    }
}
