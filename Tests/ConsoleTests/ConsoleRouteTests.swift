import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Runtime
import Testing

@testable import ConsoleWeb

/// The console's routes answered in process, with no service behind them: a request that gets
/// past the console's own checks reaches for a service and fails 503, so 403 and 303 here prove
/// the console refused the request itself.
@Suite("Console routes")
struct ConsoleRouteTests {
    let key = P256.Signing.PrivateKey()

    var minter: TokenMinter { TokenMinter(key: key, issuer: "support-platform", audience: "support") }

    func console(devSignIn: Bool = true, secure: Bool = true) -> Console {
        Console(
            peers: ConsolePeers(transports: [:]),
            verifier: TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support"),
            cookies: SessionCookies(secure: secure),
            devSignIn: devSignIn ? DevSignIn(minter: minter, lifetime: 600) : nil)
    }

    /// The response to one request, and its body as text.
    func send(
        _ console: Console, _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], form: String? = nil
    ) async throws -> (response: Response, body: String) {
        var fields = headers
        if form != nil { fields[.contentType] = "application/x-www-form-urlencoded" }
        let head = HTTPRequest(
            method: method, scheme: "http", authority: "127.0.0.1:8080", path: path, headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(string: form ?? "")))
        let context = BasicRequestContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        let response = try await console.router().buildResponder().respond(to: request, context: context)
        let collector = BodyCollector()
        try await response.body.write(CollectingWriter(collector: collector))
        return (response, collector.text)
    }

    func sessionCookie(_ token: String) -> HTTPFields {
        [.cookie: "\(SessionCookies.session)=\(token)"]
    }

    @Test("a post with the session cookie but without the CSRF token is refused; with it, it goes on")
    func csrfRequired() async throws {
        let token = try minter.mint(subject: "agent-1", role: .agent)
        let console = console()
        let forged = try await send(
            console, .post, "/complaints/C-1/messages", headers: sessionCookie(token), form: "text=hello")
        #expect(forged.response.status.code == 403)
        #expect(forged.body.contains("CSRF"))
        let wrong = try await send(
            console, .post, "/complaints/C-1/messages", headers: sessionCookie(token),
            form: "text=hello&csrf=\(CSRFToken.token(for: "another-session"))")
        #expect(wrong.response.status.code == 403)
        let genuine = try await send(
            console, .post, "/complaints/C-1/messages", headers: sessionCookie(token),
            form: "text=hello&csrf=\(CSRFToken.token(for: token))")
        #expect(genuine.response.status.code == 503)  // past the console's checks: no oversight here
    }

    @Test("a form posted from another origin is refused even with the right token")
    func otherOrigin() async throws {
        let token = try minter.mint(subject: "agent-1", role: .agent)
        var headers = sessionCookie(token)
        headers[.origin] = "https://attacker.example"
        let response = try await send(
            console(), .post, "/complaints/C-1/close", headers: headers, form: "csrf=\(CSRFToken.token(for: token))")
        #expect(response.response.status.code == 403)
        headers[.origin] = "http://127.0.0.1:8080"
        let same = try await send(
            console(), .post, "/complaints/C-1/close", headers: headers, form: "csrf=\(CSRFToken.token(for: token))")
        #expect(same.response.status.code == 503)
    }

    @Test("a customer's token opens no staff page; no token leads to the sign-in page")
    func staffOnly() async throws {
        let customer = try minter.mint(subject: "ana", role: .customer)
        for path in ["/overview", "/fairness", "/audit", "/complaints", "/complaints/C-1", "/cases/issue/I-1"] {
            let response = try await send(console(), .get, path, headers: [.authorization: "Bearer \(customer)"])
            #expect(response.response.status.code == 403, "\(path)")
            let anonymous = try await send(console(), .get, path)
            #expect(anonymous.response.status.code == 303, "\(path)")
            #expect(anonymous.response.headers[.location] == "/sign-in")
        }
        let forged = try TokenMinter(key: P256.Signing.PrivateKey(), issuer: "support-platform", audience: "support")
            .mint(subject: "agent-1", role: .agent)
        let refused = try await send(console(), .get, "/overview", headers: [.authorization: "Bearer \(forged)"])
        #expect(refused.response.status.code == 401)
    }

    @Test("the development sign-in sets an HttpOnly, SameSite=Strict, Secure cookie with a token for the person")
    func devSignIn() async throws {
        let console = console()
        let page = try await send(console, .get, "/sign-in")
        let presession = try #require(
            page.response.headers[values: .setCookie].first { $0.hasPrefix("\(SessionCookies.presession)=") })
        let nonce = String(presession.dropFirst(SessionCookies.presession.count + 1).prefix { $0 != ";" })
        #expect(page.body.contains(CSRFToken.token(for: nonce)))
        let without = try await send(
            console, .post, "/sign-in/dev", headers: [.cookie: "\(SessionCookies.presession)=\(nonce)"],
            form: "subject=lead-1&role=auditor")
        #expect(without.response.status.code == 403)
        let signedIn = try await send(
            console, .post, "/sign-in/dev", headers: [.cookie: "\(SessionCookies.presession)=\(nonce)"],
            form: "subject=lead-1&role=auditor&csrf=\(CSRFToken.token(for: nonce))")
        #expect(signedIn.response.status.code == 303)
        #expect(signedIn.response.headers[.location] == "/overview")
        let session = try #require(
            signedIn.response.headers[values: .setCookie].first { $0.hasPrefix("\(SessionCookies.session)=") })
        let attributes = Set(session.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"]))
        let token = String(session.dropFirst(SessionCookies.session.count + 1).prefix { $0 != ";" })
        let identity = try TokenVerifier(key: key.publicKey, issuer: "support-platform", audience: "support")
            .verify(token)
        #expect(identity == Identity(subject: "lead-1", role: .auditor))
    }

    @Test("without --dev-sign-in there is no development form and its post is refused")
    func devSignInOff() async throws {
        let console = console(devSignIn: false)
        let page = try await send(console, .get, "/sign-in")
        #expect(!page.body.contains("Development sign-in"))
        let post = try await send(console, .post, "/sign-in/dev", form: "subject=x&role=agent")
        #expect(post.response.status.code == 404)
    }

    @Test("pages carry a Content-Security-Policy without scripts")
    func securityHeaders() async throws {
        let page = try await send(console(), .get, "/sign-in")
        let policy = try #require(page.response.headers[.contentSecurityPolicy])
        #expect(policy.contains("default-src 'none'") && !policy.contains("script-src"))
        #expect(page.response.headers[.xContentTypeOptions] == "nosniff")
    }
}

/// Collects a response body.
final class BodyCollector: @unchecked Sendable {
    var text = ""
}

/// Writes a response body into a ``BodyCollector``.
struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.text += String(buffer: buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
