/// Text as a terminal lays it out: each grapheme cluster (UAX #29, Swift's `Character`) becomes
/// one cell per spacing scalar, that scalar followed by the zero-width ones after it (combining
/// marks, the medial vowel and final consonant of decomposed Hangul), as ncurses' `cchar_t`
/// holds them and as `wcwidth`-based terminals advance. What cannot be shown is replaced
/// visibly rather than half-drawn: controls and unassigned code points by U+FFFD, a mark with
/// no letter by the mark on a dotted circle, a cluster with more marks than a cell holds by
/// U+FFFD.
enum TerminalCells {
    /// ncurses' `CCHARW_MAX` (5): a spacing character and four marks.
    static let maximumMarks = 4

    struct Cell {
        var base: Unicode.Scalar
        /// The zero-width scalars drawn with it; empty for most.
        var marks: String.UnicodeScalarView
        /// 1 or 2 columns.
        var width: Int
        /// On the first cell of a grapheme cluster, the columns of the whole cluster (an emoji
        /// ZWJ sequence lays out as several cells); 0 on the cells after it. Clipping by it
        /// never draws part of a cluster.
        var clusterWidth = 0
    }

    static func forEach(in text: some StringProtocol, _ body: (Cell) -> Void) {
        for ch in text {
            if let a = ch.asciiValue, a >= 0x20, a < 0x7F, ch.unicodeScalars.count == 1 {
                body(Cell(base: Unicode.Scalar(a), marks: .init(), width: 1, clusterWidth: 1))
                continue
            }
            // One scalar that is not a mark (a sparkline's block, a tree's branch) is one cell,
            // as the loop below would make it, without gathering the cluster's cells first.
            var scalars = ch.unicodeScalars.makeIterator()
            if let s = scalars.next(), scalars.next() == nil {
                let printable = CharacterWidth.isPrintable(s)
                if !printable || !CharacterWidth.isZeroWidth(s) {
                    let cell = printable ? Cell(base: s, marks: .init(), width: CharacterWidth.of(s))
                                         : Cell(base: CharacterWidth.replacement, marks: .init(), width: 1)
                    body(Cell(base: cell.base, marks: .init(), width: cell.width, clusterWidth: cell.width))
                    continue
                }
            }
            var cells: [Cell] = []
            var pending: Cell?
            var overflow = false
            for s in ch.unicodeScalars {
                let printable = CharacterWidth.isPrintable(s)
                if printable, CharacterWidth.isZeroWidth(s) {
                    if pending == nil { pending = Cell(base: CharacterWidth.dottedCircle, marks: .init(), width: 1) }
                    if pending!.marks.count < maximumMarks { pending!.marks.append(s) } else { overflow = true }
                    continue
                }
                if let cell = pending { emit(cell, overflow) { cells.append($0) } }
                overflow = false
                pending = printable ? Cell(base: s, marks: .init(), width: CharacterWidth.of(s))
                                    : Cell(base: CharacterWidth.replacement, marks: .init(), width: 1)
            }
            if let cell = pending { emit(cell, overflow) { cells.append($0) } }
            guard !cells.isEmpty else { continue }
            cells[0].clusterWidth = cells.reduce(0) { $0 + $1.width }
            for cell in cells { body(cell) }
        }
    }

    /// A cell whose marks do not fit becomes U+FFFD, padded to the cell's width.
    private static func emit(_ cell: Cell, _ overflow: Bool, _ body: (Cell) -> Void) {
        guard overflow else { return body(cell) }
        body(Cell(base: CharacterWidth.replacement, marks: .init(), width: 1))
        if cell.width == 2 { body(Cell(base: " ", marks: .init(), width: 1)) }
    }
}
