/// Builds generated source text line by line with four-space indentation.
struct CodePrinter {
    private(set) var text = ""
    private var indentation = ""

    /// Appends one line (or an empty line) at the current indentation.
    mutating func line(_ line: String = "") {
        if line.isEmpty {
            text += "\n"
        } else {
            text += indentation + line + "\n"
        }
    }

    /// Appends a `///` doc comment from a `.proto` comment; nothing when there is none.
    mutating func docComment(_ comment: String?) {
        guard let comment else { return }
        var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix(" ") ? String($0.dropFirst()) : String($0)
        }
        while lines.last?.trimmingWhitespace().isEmpty == true { lines.removeLast() }
        while lines.first?.trimmingWhitespace().isEmpty == true { lines.removeFirst() }
        for commentLine in lines {
            let trimmed = commentLine.trimmingTrailingWhitespace()
            line(trimmed.isEmpty ? "///" : "/// " + trimmed)
        }
    }

    /// Appends `header {`, the body one level deeper, and `}`.
    mutating func block(_ header: String, _ body: (inout CodePrinter) -> Void) {
        line(header + " {")
        indent()
        body(&self)
        outdent()
        line("}")
    }

    /// Deepens the indentation by one level.
    mutating func indent() {
        indentation += "    "
    }

    /// Returns to the previous indentation level.
    mutating func outdent() {
        indentation.removeLast(4)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace)).trimmingTrailingWhitespace()
    }

    func trimmingTrailingWhitespace() -> String {
        var result = String(self)
        while result.last?.isWhitespace == true { result.removeLast() }
        return result
    }
}
