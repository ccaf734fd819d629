import Testing
@testable import MeshTUI

/// Bracketed pastes out of the key stream, as curses hands it over.
@Suite struct PasteDecoderTests {
    func keys(_ text: String) -> [Key] {
        text.map { c -> Key in
            switch c {
            case "\u{1B}": .escape
            case "\n", "\r": .enter
            default: .char(c)
            }
        }
    }

    func decode(_ text: String, flush: Bool = true) -> [Key] {
        var decoder = PasteDecoder()
        var out = keys(text).flatMap { decoder.feed($0) }
        if flush { out += decoder.flush() }
        return out
    }

    @Test func aPasteIsOneTextNotKeys() {
        #expect(decode("a\u{1B}[200~web-2\njust proxy it\u{1B}[201~b") == [.char("a"), .paste("web-2\njust proxy it"), .char("b")])
    }

    @Test func aLoneEscapeAndLookalikesStayKeys() {
        #expect(decode("\u{1B}") == [.escape])
        #expect(decode("\u{1B}[20x") == keys("\u{1B}[20x"))
        #expect(decode("\u{1B}\u{1B}[200~x\u{1B}[201~") == [.escape, .paste("x")])
        // Nothing held back while waiting: "\e[2" waits for the next key.
        var decoder = PasteDecoder()
        #expect(keys("\u{1B}[2").flatMap { decoder.feed($0) }.isEmpty)
        #expect(decoder.isWaiting)
    }

    /// An end marker begun and not finished is text; a paste whose end never came ends when
    /// the terminal goes quiet.
    @Test func unfinishedMarkersAreText() {
        #expect(decode("\u{1B}[200~a\u{1B}[20b\u{1B}[201~") == [.paste("a\u{1B}[20b")])
        #expect(decode("\u{1B}[200~xy") == [.paste("xy")])
    }
}
