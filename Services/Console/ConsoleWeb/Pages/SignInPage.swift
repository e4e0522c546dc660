import CommonAPI
import Runtime
import Wire

/// The sign-in page: a field for a token from the platform's identity provider, and, only when
/// the console runs with `--dev-sign-in`, the development sign-in (a staff id and a role).
enum SignInPage {
    /// The page; `csrf` is the token keyed by the pre-session cookie.
    static func render(csrf: String, devSignIn: DevSignIn?, viewer: Viewer?, notice: String?) -> HTML {
        let hidden: HTML = #"<input type="hidden" name="\#(CSRFToken.field)" value="\#(csrf)">"#
        var dev = HTML.empty
        if let devSignIn {
            let roles = DevSignIn.roles.map { role -> HTML in
                #"<option value="\#(role.rawValue)">\#(role.rawValue)</option>"#
            }
            dev = """
                <section aria-labelledby="dev-heading"><h2 id="dev-heading">Development sign-in</h2>
                <p class="notice">This console runs with <code>--dev-sign-in</code>: it mints a token with the local \
                identity provider's key for whoever you name (valid \(devSignIn.lifetime / 60) minutes). Never in production.</p>
                <form method="post" action="/sign-in/dev"><fieldset><legend>Sign in as</legend>\(hidden)\
                <label for="subject">Staff id</label><input id="subject" name="subject" required maxlength="64" \
                autocomplete="username" value="demo-agent">\
                <label for="role">Role</label><select id="role" name="role">\(roles)</select>\
                <button type="submit">Sign in</button></fieldset></form></section>
                """
        }
        let content: HTML = """
            \(notice.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
            \(viewer.map { HTML("<p>You are signed in as \($0.identity.subject) (\($0.identity.role.rawValue)). <a href=\"/overview\">Go to the overview</a>.</p>") } ?? .empty)
            <section aria-labelledby="token-heading"><h2 id="token-heading">Sign in with a token</h2>
            <p>In production the platform's sign-in proxy sends the identity provider's token in the \
            <code>Authorization: Bearer</code> header of every request. Without it, paste a token here.</p>
            <form method="post" action="/sign-in/token"><fieldset><legend>Token</legend>\(hidden)\
            <label for="token">Bearer token</label><input id="token" name="token" required size="60" autocomplete="off">\
            <button type="submit">Sign in with token</button></fieldset></form></section>
            \(dev)
            """
        return Layout.page(title: "Sign in", viewer: viewer, content: content)
    }
}
