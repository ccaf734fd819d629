import MeshCore
import Testing
@testable import MeshTUI

@Suite struct ScreenBufferTests {
    @Test func clipsAtEdgesAndLimits() {
        var b = ScreenBuffer(cols: 6, rows: 2)
        #expect(b.put("abcdefgh", x: 2, y: 0) == 6)
        #expect(b.line(0) == "  abcd")
        b.put("xyz", x: -1, y: 1, limit: 2)
        #expect(b.line(1) == "yz")
        b.put("nope", x: 0, y: 5)
        #expect(b.text == "  abcd\nyz\n")
    }

    @Test func wideCharactersTakeTwoCellsAndNeverHalf() {
        var b = ScreenBuffer(cols: 5, rows: 1)
        #expect(b.put("界a界", x: 0, y: 0) == 5)
        #expect(b.line(0) == "界a界")
        #expect(b[1, 0].isContinuation)
        b.put("b", x: 1, y: 0)  // overwriting the right half blanks the left
        #expect(b.line(0) == " ba界")
        var edge = ScreenBuffer(cols: 3, rows: 1)
        edge.put("a界", x: 1, y: 0)
        #expect(edge.line(0) == " a")
    }

    @Test func widthsAreTheTerminals() {
        #expect(CharacterWidth.of("█▁é→") == 4)
        #expect(CharacterWidth.of("界") == 2)
        #expect(CharacterWidth.of("e\u{301}") == 1)
        // Decomposed Hangul: the leading consonant is wide, the vowel and final join it.
        #expect(CharacterWidth.of("\u{1100}\u{1167}\u{11AF}\u{110C}\u{1166}-3") == 6)
        #expect(CharacterWidth.of("\u{ACB0}\u{C81C}-3") == 6)
        #expect(CharacterWidth.of("\u{0E2A}\u{0E27}\u{0E31}\u{0E2A}\u{0E14}\u{0E35}") == 4)
        #expect(CharacterWidth.of("\u{FF21}\u{FF30}") == 4)
    }

    /// A grapheme cluster is one cell (two for a wide one) holding its marks: drawn as written,
    /// and read back as written.
    @Test func clustersKeepTheirMarks() {
        var b = ScreenBuffer(cols: 12, rows: 1)
        let thai = "\u{0E2A}\u{0E27}\u{0E31}\u{0E2A}\u{0E14}\u{0E35}-4"
        #expect(b.put(thai, x: 0, y: 0) == 6)
        #expect(b.line(0) == thai)
        #expect(b[1, 0].scalar == "\u{0E27}" && b[1, 0].marks == "\u{0E31}")
        var h = ScreenBuffer(cols: 8, rows: 1)
        let nfd = "\u{1100}\u{1167}\u{11AF}\u{110C}\u{1166}-3"
        #expect(h.put(nfd, x: 0, y: 0) == 6)
        #expect(h.line(0) == nfd)
        #expect(h[0, 0].marks == "\u{1167}\u{11AF}" && h[1, 0].isContinuation)
        #expect(h[2, 0].scalar == "\u{110C}" && h[2, 0].marks == "\u{1166}")
    }

    /// Never half-drawn: a cluster is cut whole; what a terminal cannot print is replaced.
    @Test func whatCannotBeShownIsReplacedVisibly() {
        var b = ScreenBuffer(cols: 10, rows: 1)
        b.put("a\u{1B}[2Jb", x: 0, y: 0)
        #expect(b.line(0) == "a\u{FFFD}[2Jb", "an escape in a name is not sent to the terminal")
        var mark = ScreenBuffer(cols: 4, rows: 1)
        mark.put("\u{301}x", x: 0, y: 0)
        #expect(mark.line(0) == "\u{25CC}\u{301}x", "a mark with no letter sits on a dotted circle")
        var zalgo = ScreenBuffer(cols: 4, rows: 1)
        zalgo.put("e\u{301}\u{302}\u{303}\u{304}\u{305}z", x: 0, y: 0)
        #expect(zalgo.line(0) == "\u{FFFD}z", "more marks than a cell holds")
        #expect(Format.fit("e\u{301}e\u{301}e\u{301}e\u{301}", 3) == "e\u{301}e\u{301}…")
        #expect(Format.fit("\u{1100}\u{1167}\u{1100}\u{1167}", 3) == "\u{1100}\u{1167}…")
        var ascii = ScreenBuffer(cols: 10, rows: 1)
        ascii.asciiOnly = true
        ascii.put("é界-1", x: 0, y: 0)
        #expect(ascii.line(0) == "???-1", "ASCII terminals get one ? a column")
    }

    /// An emoji ZWJ sequence is one grapheme laid out as several cells (as wcwidth-based
    /// terminals advance): a cut keeps all of it or none. Bidirectional controls in a name
    /// are shown replaced, so no terminal reorders the row; right-to-left letters stay as
    /// written, in logical order.
    @Test func emojiSequencesAreCutWholeAndBidiControlsReplaced() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(CharacterWidth.of(family) == 6)
        #expect(Format.fit("ab" + family + "cd", 9) == "ab" + family + "…")
        #expect(Format.fit("ab" + family + "cd", 8) == "ab…     ", "not a part of the family; the cut takes its width")
        var b = ScreenBuffer(cols: 10, rows: 1)
        b.put("xxxxxxxxxx", x: 0, y: 0)
        #expect(b.put("ab" + family, x: 0, y: 0, limit: 6) == 6)
        #expect(b.line(0) == "ab    xxxx", "a sequence that does not fit leaves blanks up to the limit")
        var bidi = ScreenBuffer(cols: 12, rows: 1)
        bidi.put("web\u{202E}1-bew\u{202C} ok", x: 0, y: 0)
        #expect(bidi.line(0) == "web\u{FFFD}1-bew\u{FFFD} o")
        var hebrew = ScreenBuffer(cols: 8, rows: 1)
        #expect(hebrew.put("\u{05E9}\u{05DC}\u{05D5}\u{05DD}-1", x: 0, y: 0) == 6)
        #expect(hebrew.line(0) == "\u{05E9}\u{05DC}\u{05D5}\u{05DD}-1")
    }

    /// One scale for a service's rows: 7 rps draws low beside 300, not as tall.
    @Test func sparklinesShareTheirServicesScale() {
        let glyphs = Glyphs(ascii: false)
        let small: [Float] = [7, 7, 7], big: [Float] = [300, 300, 300]
        #expect(glyphs.sparkline(small, width: 3) == "███", "alone, its own peak")
        let peak = max(Sparkline(small).peak(ofLast: 3), Sparkline(big).peak(ofLast: 3))
        #expect(glyphs.sparkline(small, width: 3, peak: peak) == "▁▁▁")
        #expect(glyphs.sparkline(big, width: 3, peak: peak) == "███")
        var state = Fixtures.mesh()
        let s = state.services.firstIndex { $0.name == "search" }!
        state.services[s].endpoints[0].history = Sparkline(small)
        state.services[s].endpoints[2].history = Sparkline(big)
        let frame = render(DashboardFrame(state: state, status: Fixtures.demo), size: (120, 40)).text
        let rows = frame.split(separator: "\n")
        #expect(rows.first { $0.contains("search-1 ") }?.hasSuffix("▁▁▁") == true)
        #expect(rows.first { $0.contains("search-3 ") }?.hasSuffix("███") == true)
    }

    @Test func styleDumpShowsRolesAndBold() {
        var b = ScreenBuffer(cols: 4, rows: 1)
        b.put("ab", x: 0, y: 0, style: CellStyle(.bad, bold: true))
        b.put("c", x: 2, y: 0, style: CellStyle(.good))
        #expect(b.styleText == "BBg\n")
    }

    @Test func formatsNumbersCompactly() {
        #expect(Format.rate(0) == "0" && Format.rate(4.25) == "4.3" && Format.rate(1234.4) == "1234")
        #expect(Format.latency(0.0042) == "4.2ms" && Format.latency(0.74) == "740ms" && Format.latency(1.5) == "1.50s")
        #expect(Format.clock(61) == "01:01" && Format.clock(3725) == "1:02:05")
        #expect(Format.grouped(1234567) == "1,234,567")
        #expect(Format.percent(0.98934) == "98.93%" && Format.percent(0.99999) == "99.99%" && Format.percent(1) == "100%")
        #expect(Format.speed(.infinity, ascii: false) == "×max" && Format.speed(0.5, ascii: true) == "x0.5")
        #expect(Format.fit("checkout-a1", 6) == "check…")
    }
}
