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

    @Test func combiningMarksAreDroppedAndWidthsKnown() {
        #expect(CharacterWidth.of("█▁é→") == 4)
        #expect(CharacterWidth.of("界") == 2)
        #expect(CharacterWidth.of("e\u{301}") == 1)
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
