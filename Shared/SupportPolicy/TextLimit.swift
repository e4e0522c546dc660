/// The one rule for limits on free text from outside: a limit of N characters (grapheme clusters,
/// what a person counts) is also a limit of 4N UTF-8 bytes (what storage, events and the wire
/// carry). Counting characters alone is not enough: one "character" can be megabytes of combining
/// marks, so 4,000 characters could be 4 MB and, copied into an Oversight event, exceed Oversight's
/// message limit. 4N is what N characters of one Unicode scalar each can take.
public enum TextLimit {
    /// UTF-8 bytes allowed per character of a limit.
    public static let bytesPerCharacter = 4

    /// Whether `text` has at most `characters` characters and `bytesPerCharacter` x `characters`
    /// UTF-8 bytes. The byte count is checked first, so an oversized text costs no grapheme walk.
    public static func admits(_ text: some StringProtocol, characters: Int) -> Bool {
        let (bytes, overflow) = characters.multipliedReportingOverflow(by: bytesPerCharacter)
        return (overflow || text.utf8.count <= bytes) && text.count <= characters
    }

    /// "4000 characters (16000 UTF-8 bytes)", for error messages.
    public static func describe(characters: Int) -> String {
        let (bytes, overflow) = characters.multipliedReportingOverflow(by: bytesPerCharacter)
        return overflow ? "\(characters) characters" : "\(characters) characters (\(bytes) UTF-8 bytes)"
    }

    /// Whether `text` is empty or only white space and line breaks: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines).isEmpty` says (that set is the Unicode
    /// `White_Space` property and, in Foundation on Linux, the zero width space U+200B; a test
    /// compares every scalar), without bridging to `NSString` and building a trimmed copy, and
    /// without looking past the first character that is not white space.
    public static func isBlank(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0 == "\u{200B}" }
    }
}
