import Foundation
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

    /// `isBlank` answers what Foundation's trimming did for every Unicode scalar (the set it
    /// stands for), and for texts of several.
    @Test func blankIsWhatTrimmingWhiteSpaceAndNewlinesLeavesEmpty() {
        var differing: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let text = String(Character(scalar))
            if TextLimit.isBlank(text) != text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                differing.append("U+\(String(value, radix: 16))")
            }
        }
        #expect(differing.isEmpty)
        for text in ["", " \t\r\n", "\u{A0}\u{3000}\u{2028}", " a ", "\u{200B}", "e\u{301}", "\u{301}", " \u{301}"] {
            #expect(
                TextLimit.isBlank(text) == text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                "\(text.debugDescription)")
        }
    }
}
