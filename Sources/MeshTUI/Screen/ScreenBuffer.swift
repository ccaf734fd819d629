/// A frame as a grid of cells: what `render` produces and what the terminal copies. A value, so a
/// frame can be compared, dumped to a golden file, or diffed against the previous one.
public struct ScreenBuffer: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// The spacing character; a wide one's right half holds `ScreenBuffer.continuation`.
        public var scalar: Unicode.Scalar
        /// Zero-width scalars drawn on it (combining marks, Hangul jamo), in order; usually empty.
        public var marks: String
        public var style: CellStyle

        public init(_ scalar: Unicode.Scalar, _ style: CellStyle = .plain, marks: String = "") {
            self.scalar = scalar; self.style = style; self.marks = marks
        }

        public var isContinuation: Bool { scalar == ScreenBuffer.continuation }

        /// What the cell shows: its character and marks.
        public var text: String {
            var view = String.UnicodeScalarView()
            view.append(scalar)
            view.append(contentsOf: marks.unicodeScalars)
            return String(view)
        }
    }

    /// Marks the right half of a wide character.
    public static let continuation: Unicode.Scalar = "\u{0}"
    static let blank = Cell(" ")

    public let cols: Int
    public let rows: Int
    public private(set) var cells: [Cell]
    /// Plain terminals (`--ascii`, a locale without UTF-8): anything but printable ASCII is
    /// drawn as `?`, one per column, so that nothing is sent that the terminal cannot show.
    public var asciiOnly = false

    public init(cols: Int, rows: Int) {
        self.cols = max(0, cols); self.rows = max(0, rows)
        cells = Array(repeating: ScreenBuffer.blank, count: self.cols * self.rows)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * cols + x] }
    }

    /// Writes `text` from column `x`, clipped to the screen and to `limit` (an exclusive right
    /// edge), one cell per terminal cell (`TerminalCells`). Returns the column after the text,
    /// clipped the same way.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: CellStyle = .plain,
                             limit: Int? = nil) -> Int {
        let end = min(limit ?? cols, cols)
        guard y >= 0, y < rows else { return min(x + CharacterWidth.of(text), end) }
        var cx = x
        var clipped = false
        TerminalCells.forEach(in: text) { cell in
            guard !clipped else { return }
            let w = cell.width
            if cx + max(w, cell.clusterWidth) > end {
                // A wide character or a cluster (an emoji sequence) that does not fit whole
                // leaves blanks rather than part of it.
                for x in max(0, cx)..<max(max(0, cx), end) { set(x, y, " ", width: 1, style: style) }
                clipped = true
                return
            }
            if cx >= 0 {
                if asciiOnly, cell.base.value >= 0x7F || !cell.marks.isEmpty {
                    for k in 0..<w { set(cx + k, y, "?", width: 1, style: style) }
                } else {
                    set(cx, y, cell.base, width: w, style: style, marks: cell.marks.isEmpty ? "" : String(cell.marks))
                }
            } else if cx + w > 0 {
                set(0, y, " ", width: 1, style: style)
            }
            cx += w
        }
        return clipped ? end : cx
    }

    /// Writes `text` so that it ends at column `right` (exclusive).
    @discardableResult
    public mutating func putRight(_ text: some StringProtocol, right: Int, y: Int, style: CellStyle = .plain) -> Int {
        let start = right - CharacterWidth.of(text)
        put(text, x: start, y: y, style: style, limit: right)
        return start
    }

    /// Fills a run of a row with one scalar and style.
    public mutating func fill(y: Int, from x0: Int, to x1: Int, scalar: Unicode.Scalar = " ", style: CellStyle = .plain) {
        guard y >= 0, y < rows else { return }
        var x = max(0, x0)
        while x < min(x1, cols) { set(x, y, scalar, width: 1, style: style); x += 1 }
    }

    /// Changes the style of a run of cells, keeping their characters (selection bars).
    public mutating func restyle(y: Int, from x0: Int, to x1: Int, _ change: (inout CellStyle) -> Void) {
        guard y >= 0, y < rows else { return }
        for x in max(0, x0)..<max(max(0, x0), min(x1, cols)) { change(&cells[y * cols + x].style) }
    }

    private mutating func set(_ x: Int, _ y: Int, _ s: Unicode.Scalar, width: Int, style: CellStyle, marks: String = "") {
        let i = y * cols + x
        // Overwriting half of a wide character blanks its other half.
        if cells[i].isContinuation, x > 0 { cells[i - 1].scalar = " "; cells[i - 1].marks = "" }
        if width == 2 {
            guard x + 1 < cols else { cells[i] = Cell(" ", style); return }
            if x + 2 < cols, cells[i + 2].isContinuation { cells[i + 2].scalar = " " }
            cells[i] = Cell(s, style, marks: marks)
            cells[i + 1] = Cell(ScreenBuffer.continuation, style)
        } else {
            if x + 1 < cols, cells[i + 1].isContinuation { cells[i + 1].scalar = " " }
            cells[i] = Cell(s, style, marks: marks)
        }
    }
}
