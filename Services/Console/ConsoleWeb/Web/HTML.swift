/// A fragment of HTML. Text interpolated into it is escaped (`\(name)`), a fragment interpolated
/// into it is kept as markup (`\(otherFragment)`): so a page cannot show a customer's text as
/// markup unless someone writes `HTML(unescaped:)` on purpose.
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The markup.
    public private(set) var markup: String

    /// Markup taken as it is: only for constant markup the console itself writes.
    public init(unescaped markup: String) {
        self.markup = markup
    }

    /// The markup of a literal (written by the console, never from a request or an RPC).
    public init(stringLiteral value: String) {
        self.markup = value
    }

    /// Markup built from literals, escaped text and fragments.
    public init(stringInterpolation: Interpolation) {
        self.markup = stringInterpolation.markup
    }

    /// The empty fragment.
    public static let empty = HTML(unescaped: "")

    /// The markup.
    public var description: String { markup }

    /// Fragments one after another.
    public static func joined(_ fragments: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        HTML(unescaped: fragments.map(\.markup).joined(separator: separator.markup))
    }

    /// Appends `other`.
    public mutating func append(_ other: HTML) {
        markup += other.markup
    }

    /// Builds the markup of an interpolated literal.
    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        /// Room for the literal.
        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// Constant markup of the literal.
        public mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        /// Text, escaped.
        public mutating func appendInterpolation(_ text: String) {
            markup += HTMLEscaping.escape(text)
        }

        /// A number, as text.
        public mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) {
            markup += String(number)
        }

        /// A fragment, as markup.
        public mutating func appendInterpolation(_ fragment: HTML) {
            markup += fragment.markup
        }

        /// Fragments, as markup, one after another.
        public mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { markup += fragment.markup }
        }
    }
}
