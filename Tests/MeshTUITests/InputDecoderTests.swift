import Testing
@testable import MeshTUI

/// Bracketed pastes and mouse reports out of the key stream, as curses hands it over.
@Suite struct InputDecoderTests {
    func keys(_ text: String) -> [Key] {
        text.map { c -> Key in
            switch c {
            case "\u{1B}": .escape
            case "\n", "\r": .enter
            default: .char(c)
            }
        }
    }

    func decode(_ text: String, flush: Bool = true) -> [InputDecoder.Output] {
        var decoder = InputDecoder()
        var out = keys(text).flatMap { decoder.feed($0) }
        if flush { out += decoder.flush() }
        return out
    }

    func typed(_ text: String) -> [InputDecoder.Output] { keys(text).map { .key($0) } }

    @Test func aPasteIsOneTextNotKeys() {
        #expect(decode("a\u{1B}[200~web-2\njust proxy it\u{1B}[201~b") == [.key(.char("a")), .key(.paste("web-2\njust proxy it")), .key(.char("b"))])
    }

    @Test func aLoneEscapeAndLookalikesStayKeys() {
        #expect(decode("\u{1B}") == [.key(.escape)])
        #expect(decode("\u{1B}[20x") == typed("\u{1B}[20x"))
        #expect(decode("\u{1B}\u{1B}[200~x\u{1B}[201~") == [.key(.escape), .key(.paste("x"))])
        var decoder = InputDecoder()
        #expect(keys("\u{1B}[2").flatMap { decoder.feed($0) }.isEmpty)
        #expect(decoder.isWaiting)
    }

    /// An end marker begun and not finished is text; a paste whose end never came ends when
    /// the terminal goes quiet.
    @Test func unfinishedMarkersAreText() {
        #expect(decode("\u{1B}[200~a\u{1B}[20b\u{1B}[201~") == [.key(.paste("a\u{1B}[20b"))])
        #expect(decode("\u{1B}[200~xy") == [.key(.paste("xy"))])
    }

    /// Pasted text that holds an end marker of its own (tmux passes it on): what follows it
    /// up to the paste's real end is pasted text, not the keys x (kill) and y (confirm), and
    /// the real end is not the keys `[` (seek back) and `~`. Keys typed after the burst stay keys.
    @Test func anEndMarkerInsidePastedTextDoesNotEndThePaste() {
        #expect(decode("\u{1B}[200~web-2\u{1B}[201~xy\u{1B}[201~") == [.key(.paste("web-2xy"))])
        #expect(decode("\u{1B}[200~a\u{1B}[201~b\u{1B}[201~c\u{1B}[201~") == [.key(.paste("abc"))])
        var decoder = InputDecoder()
        var out = keys("\u{1B}[200~web-2\u{1B}[201~").flatMap { decoder.feed($0) }
        #expect(out.isEmpty && decoder.isWaiting, "a paste waits for the input to go quiet")
        out += decoder.flush()
        out += keys("x").flatMap { decoder.feed($0) }
        #expect(out == [.key(.paste("web-2")), .key(.char("x"))])
        // An end marker alone (its paste's start lost) is no keys. Two pastes in one burst
        // cannot be told from one holding both markers: text either way.
        #expect(decode("\u{1B}[201~x") == [.key(.char("x"))])
        #expect(decode("\u{1B}[200~a\u{1B}[201~\u{1B}[200~b\u{1B}[201~") == [.key(.paste("a\u{1B}[200~b"))])
    }

    /// A mouse report that reached us as characters is a click or a wheel notch, not the keys
    /// `[` (seek back) and `<` (slower) it is made of.
    @Test func mouseReportsAreNotKeys() {
        #expect(decode("\u{1B}[<0;12;16M\u{1B}[<0;12;16m") == [.mouse(button: 1, x: 11, y: 15)])
        #expect(decode("\u{1B}[<65;5;21M\u{1B}[<64;5;21M") == [.mouse(button: 5, x: 4, y: 20), .mouse(button: 4, x: 4, y: 20)])
        #expect(decode("\u{1B}[<2;1;1M") == [], "other buttons are ignored")
        #expect(decode("\u{1B}[<0;1x") == typed("\u{1B}[<0;1x"))
    }
}
