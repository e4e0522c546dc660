import Runtime

/// The frame of every page: a skip link, the navigation between the sections, who is signed in
/// with a sign-out button, and the page's own content in `<main>`. Everything is a real link,
/// button or labelled field, so the keyboard reaches every action in document order.
enum Layout {
    /// The console's sections, in navigation order.
    enum Section: String, CaseIterable {
        case overview, fairness, audit, complaints

        var title: String {
            switch self {
            case .overview: "Overview"
            case .fairness: "Fairness"
            case .audit: "Audit"
            case .complaints: "Complaints"
            }
        }
    }

    /// A whole page.
    static func page(title: String, viewer: Viewer?, section: Section? = nil, content: HTML) -> HTML {
        var navigation = HTML.empty
        if let viewer, viewer.isStaff {
            let links = Section.allCases.map { item -> HTML in
                let current: HTML = item == section ? #" aria-current="page""# : ""
                return #"<li><a href="/\#(item.rawValue)"\#(current)>\#(item.title)</a></li>"#
            }
            navigation = """
                <nav aria-label="Sections"><ul>\(links)</ul></nav>
                """
        }
        var person = HTML.empty
        if let viewer {
            person = """
                <form class="signout" method="post" action="/sign-out">\
                <span>Signed in as <strong>\(viewer.identity.subject)</strong> (\(viewer.identity.role.rawValue))</span> \
                <input type="hidden" name="\(CSRFToken.field)" value="\(viewer.csrfToken)">\
                <button type="submit">Sign out</button></form>
                """
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title) · Support oversight console</title>\
            <link rel="stylesheet" href="/console.css"></head>
            <body><a class="skip" href="#content">Skip to content</a>
            <header><p class="brand">Support oversight console</p>\(navigation)\(person)</header>
            <main id="content" tabindex="-1"><h1>\(title)</h1>
            \(content)
            </main></body></html>
            """
    }

    /// The hidden fields every form posts: the CSRF token and a fresh idempotency key, so that a
    /// form sent twice (a double click, a reload) changes nothing the second time.
    static func formFields(_ viewer: Viewer) -> HTML {
        """
        <input type="hidden" name="\(CSRFToken.field)" value="\(viewer.csrfToken)">\
        <input type="hidden" name="idempotency_key" value="console-\(Base64URLText.random(bytes: 12))">
        """
    }

    /// An error page.
    static func error(_ error: PageError, viewer: Viewer?) -> HTML {
        page(
            title: error.title, viewer: viewer,
            content: """
                <p class="error" role="alert">\(error.message)</p>
                <p><a href="/overview">Back to the overview</a></p>
                """)
    }
}
