/// Terminal column width of a scalar, as glibc's `wcwidth` (which ncurses and tmux lay out
/// by) answers in a UTF-8 locale. Our own table rather than `wcwidth` itself, which depends on
/// the process locale and would make golden frames differ between machines; the terminal
/// layer checks each cell against the real `wcwidth` and replaces what disagrees. Public for
/// the command line's tables (`ctl status`, the headless summary), which line up the same way.
public enum CharacterWidth {
    /// Shown in place of what a terminal cannot print (controls, unassigned code points).
    static let replacement: Unicode.Scalar = "\u{FFFD}"
    /// Carries a combining mark that has no letter to sit on (Unicode's convention, §2.11).
    static let dottedCircle: Unicode.Scalar = "\u{25CC}"

    /// 0 for marks, format characters and Hangul medial vowels and final consonants (they join
    /// the syllable's leading consonant, as in decomposed NFD Hangul); 2 for East Asian wide
    /// and fullwidth characters; 1 otherwise. Unprintable scalars count as their replacement.
    static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 }
        if isZeroWidth(s) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Columns `text` takes when drawn: exactly what `ScreenBuffer.put` advances.
    public static func of(_ text: some StringProtocol) -> Int {
        var w = 0
        TerminalCells.forEach(in: text) { cell in w += cell.width }
        return w
    }

    /// Whether a terminal can print it at all: not a control, not unassigned, not a surrogate
    /// or private-use code point, not a bidirectional control (a terminal that implements
    /// UAX #9, as mlterm, Konsole and VTE can, would reorder the rest of the row around an
    /// override or isolate in a name: Unicode TR #36's "Trojan Source" spoofing).
    static func isPrintable(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x7F { return v >= 0x20 }
        if v < 0xA0 { return false }
        // Latin-1, and box drawing and block elements (trees, bars, sparklines): all assigned,
        // none a control (read without Unicode's tables, as most of a frame's cells are these).
        if v <= 0xFF || (0x2500...0x259F).contains(v) { return true }
        if isBidiControl(v) { return false }
        switch s.properties.generalCategory {
        case .control, .unassigned, .surrogate, .privateUse, .lineSeparator, .paragraphSeparator: return false
        default: return !s.properties.isNoncharacterCodePoint
        }
    }

    /// UAX #9's explicit formatting characters: ALM, LRM, RLM, LRE...RLO, LRI...PDI.
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// Joins the scalar before it in the same cell.
    static func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }
        if v == 0x200B { return true }
        if (0x2500...0x259F).contains(v) { return false }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        case .format: return true
        default: return false
        }
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
             0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
             0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
             0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
             0x1F200...0x1F251, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
             0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440,
             0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A,
             0x1F595...0x1F596, 0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2,
             0x1F6D5...0x1F6D7, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB,
             0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
