import CommonAPI
import Hummingbird
import Runtime
import Wire

extension Console {
    /// Sign-in with a token or (with `--dev-sign-in`) as a chosen person, and sign-out.
    func addSignInRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/sign-in") { request, _ in
            await respond(request) {
                var nonce = request.cookies[SessionCookies.presession]?.value ?? ""
                let fresh = nonce.isEmpty
                if fresh { nonce = Base64URLText.random(bytes: 24) }
                var response = Self.html(
                    SignInPage.render(
                        csrf: CSRFToken.token(for: nonce), devSignIn: devSignIn, viewer: viewer(request), notice: nil))
                if fresh { response.setCookie(cookies.cookie(SessionCookies.presession, value: nonce, maxAge: 3_600)) }
                return response
            }
        }
        router.post("/sign-in/token") { request, _ in
            await respond(request) {
                let fields = try await form(request, secret: request.cookies[SessionCookies.presession]?.value)
                guard let token = fields.text("token") else { throw PageError.badRequest("paste a token") }
                guard (try? verifier.verify(token)) != nil else {
                    throw PageError(status: 403, title: "Not signed in", message: "the token was not accepted")
                }
                return signedIn(token)
            }
        }
        router.post("/sign-in/dev") { request, _ in
            await respond(request) {
                guard let devSignIn else { throw PageError.notFound("the development sign-in is off") }
                let fields = try await form(request, secret: request.cookies[SessionCookies.presession]?.value)
                guard let role = fields.text("role").flatMap(Role.init(rawValue:)) else {
                    throw PageError.badRequest("choose a role")
                }
                let token = try devSignIn.mint(subject: fields.text("subject") ?? "", role: role)
                return signedIn(token)
            }
        }
        router.post("/sign-out") { request, _ in
            await respond(request) {
                _ = try await form(request, secret: Self.token(request))
                var response = Self.redirect("/sign-in")
                response.setCookie(cookies.removal(SessionCookies.session))
                return response
            }
        }
    }

    /// To the overview with `token` in the session cookie (and the pre-session nonce dropped).
    func signedIn(_ token: String) -> Response {
        var response = Self.redirect("/overview")
        response.setCookie(cookies.cookie(SessionCookies.session, value: token, maxAge: sessionLifetime))
        response.setCookie(cookies.removal(SessionCookies.presession))
        return response
    }
}
