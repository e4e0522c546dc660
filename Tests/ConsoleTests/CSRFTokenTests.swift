import Testing

@testable import ConsoleWeb

@Suite("CSRF tokens")
struct CSRFTokenTests {
    @Test("the token for a secret is accepted with that secret")
    func acceptsItsOwnToken() {
        let token = CSRFToken.token(for: "session-token-A")
        #expect(CSRFToken.isValid(token, for: "session-token-A"))
        #expect(CSRFToken.token(for: "session-token-A") == token)
    }

    @Test("a missing, empty or other session's token is refused")
    func refusesOthers() {
        let token = CSRFToken.token(for: "session-token-A")
        #expect(!CSRFToken.isValid(nil, for: "session-token-A"))
        #expect(!CSRFToken.isValid("", for: "session-token-A"))
        #expect(!CSRFToken.isValid(token, for: "session-token-B"))
        #expect(!CSRFToken.isValid(CSRFToken.token(for: "session-token-B"), for: "session-token-A"))
    }

    @Test("without a secret (no cookie) nothing is accepted, not even the empty secret's token")
    func refusesWithoutSecret() {
        #expect(!CSRFToken.isValid(CSRFToken.token(for: ""), for: nil))
        #expect(!CSRFToken.isValid(CSRFToken.token(for: ""), for: ""))
    }

    @Test("a token differing in one character is refused")
    func refusesAlteredToken() {
        var token = Array(CSRFToken.token(for: "secret"))
        token[0] = token[0] == "A" ? "B" : "A"
        #expect(!CSRFToken.isValid(String(token), for: "secret"))
        #expect(!CSRFToken.isValid(String(token.dropLast()), for: "secret"))
    }

    @Test("the token is URL- and HTML-safe base64url of an HMAC-SHA256 (43 characters)")
    func shape() {
        let token = CSRFToken.token(for: "secret")
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}
