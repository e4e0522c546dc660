import SupportPolicy
import Testing

/// Free-text limits count characters and bytes: N characters are also at most 4N UTF-8 bytes, so
/// one "character" of a thousand combining marks does not pass a one-character limit.
@Suite struct TextLimitTests {
    @Test func countsCharactersAsPeopleDo() {
        #expect(TextLimit.admits("abc", characters: 3))
        #expect(!TextLimit.admits("abcd", characters: 3))
        #expect(TextLimit.admits("", characters: 0))
        #expect(TextLimit.admits("\u{E9}", characters: 1))
        #expect(TextLimit.admits("e\u{301}", characters: 1))
        #expect(TextLimit.admits(Substring("ab"), characters: 2))
    }

    @Test func oneCharacterIsAtMostFourBytes() {
        let stacked = "e" + String(repeating: "\u{301}", count: 1_000)
        #expect(stacked.count == 1)
        #expect(!TextLimit.admits(stacked, characters: 1))
        #expect(TextLimit.admits(stacked, characters: 501))
        // One grapheme of 18 bytes (a family emoji) needs a limit of 5 characters' bytes.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(!TextLimit.admits(family, characters: 4))
        #expect(TextLimit.admits(family, characters: 5))
    }

    @Test func aHugeLimitDoesNotOverflow() {
        #expect(TextLimit.admits("abc", characters: .max))
        #expect(!TextLimit.admits("abc", characters: -1))
    }

    @Test func describesTheLimitForErrorMessages() {
        #expect(TextLimit.describe(characters: 4_000) == "4000 characters (16000 UTF-8 bytes)")
        #expect(TextLimit.describe(characters: .max) == "\(Int.max) characters")
    }
}
