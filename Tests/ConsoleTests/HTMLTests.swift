import Testing

@testable import ConsoleWeb

@Suite("HTML escaping")
struct HTMLTests {
    @Test("interpolated text is escaped, markup around it is kept")
    func escapesInterpolatedText() {
        let text = #"<script>alert("x")</script> & 'quoted'"#
        let fragment: HTML = "<p class=\"message\">\(text)</p>"
        #expect(
            fragment.markup
                == #"<p class="message">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</p>"#)
    }

    @Test("a text cannot break out of a quoted attribute")
    func attributeValuesStayQuoted() {
        let value = #"x" onmouseover="steal()"#
        let fragment: HTML = "<input value=\"\(value)\">"
        #expect(fragment.markup == #"<input value="x&quot; onmouseover=&quot;steal()">"#)
    }

    @Test("a fragment interpolated into another stays markup; nested text stays escaped")
    func fragmentsNest() {
        let inner: HTML = "<em>\("a<b")</em>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.markup == "<p><em>a&lt;b</em></p>")
        #expect(HTML.joined([inner, inner], separator: "<br>").markup == "<em>a&lt;b</em><br><em>a&lt;b</em>")
    }

    @Test("control characters HTML forbids become U+FFFD; tab and line breaks stay")
    func controlCharacters() {
        #expect(HTMLEscaping.escape("a\u{0}b\u{7}c\u{85}d\te\nf\rg") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\nf\rg")
    }

    @Test("text without special characters is unchanged, including non-ASCII")
    func plainText() {
        #expect(HTMLEscaping.escape("Größe 42 – 東京 ✓") == "Größe 42 – 東京 ✓")
    }

    @Test("numbers interpolate as digits")
    func numbers() {
        let count: Int64 = -42
        let fragment: HTML = "<td>\(count)</td>"
        #expect(fragment.markup == "<td>-42</td>")
    }
}
