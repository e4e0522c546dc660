import Foundation
import Hummingbird
import Runtime

/// The console: who a request comes from (their verified token, from the `Authorization` header
/// the platform's sign-in proxy sets, or from the session cookie), and the routes of its pages.
/// It owns no data: every page is built from the services' RPCs, called with the viewer's token.
public struct Console: Sendable {
    /// The largest form body read.
    public static let maximumFormBytes = 64 * 1_024

    let peers: ConsolePeers
    let verifier: TokenVerifier
    let cookies: SessionCookies
    let devSignIn: DevSignIn?
    let sessionLifetime: Int
    let now: @Sendable () -> Date

    /// A console reading from `peers`, trusting tokens `verifier` accepts, keeping sessions for at
    /// most `sessionLifetime` seconds, with the development sign-in when `devSignIn` is given.
    public init(
        peers: ConsolePeers, verifier: TokenVerifier, cookies: SessionCookies, devSignIn: DevSignIn?,
        sessionLifetime: Int = 3_600, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.peers = peers
        self.verifier = verifier
        self.cookies = cookies
        self.devSignIn = devSignIn
        self.sessionLifetime = sessionLifetime
        self.now = now
    }

    /// The signed-in person, if the request carries a token that verifies: the `Authorization:
    /// Bearer` header first, else the session cookie.
    func viewer(_ request: Request) -> Viewer? {
        guard let token = Self.token(request) else { return nil }
        guard let identity = try? verifier.verify(token) else { return nil }
        return Viewer(identity: identity, token: token)
    }

    /// The token a request presents, if any.
    static func token(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
            return nil
        }
        guard let value = request.cookies[SessionCookies.session]?.value, !value.isEmpty else { return nil }
        return value
    }

    /// The viewer of a staff page: a signed-in agent or auditor. No valid token: to the sign-in
    /// page; any other role (a customer, a service): 403.
    func staff(_ request: Request) throws -> Viewer {
        guard let viewer = viewer(request) else {
            if Self.token(request) != nil, request.headers[.authorization] != nil {
                throw PageError(status: 401, title: "Sign in again", message: "the token was not accepted")
            }
            throw Redirect(location: "/sign-in")
        }
        guard viewer.isStaff else {
            throw PageError.forbidden(
                "the console is for support agents and auditors; \(viewer.identity.subject) is signed in as "
                    + "\(viewer.identity.role.rawValue)")
        }
        return viewer
    }

    /// The fields of a form posted by `viewer`, after checking that it came from the console: a
    /// form-encoded body of at most 64 KiB, an Origin (when sent) of this host, and the CSRF token
    /// keyed by `secret`.
    func form(_ request: Request, secret: String?) async throws -> FormFields {
        if let origin = request.headers[.origin], let host = request.head.authority {
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
            guard let originHost, originHost == host[...] else {
                throw PageError.forbidden("the form was sent from another site (\(origin))")
            }
        }
        guard let type = request.headers[.contentType]?.lowercased(),
            type.hasPrefix("application/x-www-form-urlencoded")
        else { throw PageError(status: 415, title: "Not a form", message: "send an HTML form") }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumFormBytes)
        } catch {
            throw PageError(status: 413, title: "Too large", message: "a form is at most 64 KiB")
        }
        let fields = FormFields(String(buffer: body))
        guard CSRFToken.isValid(fields[CSRFToken.field], for: secret) else {
            throw PageError.forbidden(
                "the form was not sent from a page of this console (its CSRF token is missing or wrong); "
                    + "reload the page and send it again")
        }
        return fields
    }

    /// The idempotency key a form carries (a fresh one when absent): at most 128 characters.
    static func idempotencyKey(_ fields: FormFields) throws(PageError) -> String {
        guard let key = fields.text("idempotency_key") else { return "console-\(UUID().uuidString)" }
        guard key.count <= 128 else { throw PageError.badRequest("the idempotency key is too long") }
        return key
    }

    /// An HTML response with the console's security headers.
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .cacheControl: "no-store",
        ]
        headers[.xContentTypeOptions] = "nosniff"
        if let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy") { headers[referrerPolicy] = "same-origin" }
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.markup)))
    }

    /// A 303 to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Runs a page's `body`, turning a ``PageError`` into its error page and a ``Redirect`` into
    /// a 303.
    func respond(_ request: Request, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let redirect as Redirect {
            return Self.redirect(redirect.location)
        } catch let error as PageError {
            if error.status == 401, request.headers[.authorization] == nil {
                var response = Self.redirect("/sign-in")
                response.setCookie(cookies.removal(SessionCookies.session))
                return response
            }
            let status = HTTPResponse.Status(code: error.status)
            return Self.html(Layout.error(error, viewer: viewer(request)), status: status)
        } catch {
            let page = PageError(status: 500, title: "Console error", message: "the page could not be built")
            return Self.html(Layout.error(page, viewer: viewer(request)), status: .internalServerError)
        }
    }
}

/// Sends the browser elsewhere (303 See Other).
struct Redirect: Error {
    /// Where to.
    let location: String
}
