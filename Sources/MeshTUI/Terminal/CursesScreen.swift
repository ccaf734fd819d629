import CNcursesw
import Glibc

/// The terminal through ncurses: copies `ScreenBuffer`s to the screen and reads keys, pastes and
/// mouse events. Everything it shows was decided by `render`; this type only translates, and
/// asks the terminal what it can do instead of assuming it (htop's `CRT_init` does the same).
final class CursesScreen {
    enum Failure: Error, CustomStringConvertible {
        case cannotStart(String)
        var description: String {
            switch self { case .cannotStart(let why): "cannot start the terminal UI: \(why)" }
        }
    }

    /// One input: a key (pastes decoded), or a mouse event at a cell.
    enum Input: Equatable {
        case key(Key)
        /// `button`: 1 click, 4 wheel up, 5 wheel down.
        case mouse(button: Int, x: Int, y: Int)
    }

    private var screen: OpaquePointer?
    private let output: UnsafeMutablePointer<FILE>?
    private let palette: Palette
    private var shown: ScreenBuffer?
    private var decoder = InputDecoder()
    private var pending: [Input] = []
    /// The locale's character set is UTF-8 (as `nl_langinfo(CODESET)` says): without it the
    /// dashboard draws ASCII only, as htop does.
    let unicode: Bool
    /// The terminal reports mouse events and they were asked for.
    private(set) var mouse = false
    /// Bracketed paste (xterm mode 2004) was asked for.
    private(set) var bracketedPaste = false
    private(set) var cols: Int32 = 0
    private(set) var rows: Int32 = 0

    /// `term`, `output` and `input` default to `$TERM`, stdout and stdin; tests pass files.
    /// `mouse: false` (`--no-mouse`) leaves clicks to the terminal (its own text selection).
    init(theme: Theme, term: String? = nil, output: UnsafeMutablePointer<FILE>? = nil,
         input: UnsafeMutablePointer<FILE>? = nil, mouse wantsMouse: Bool = true) throws {
        unicode = CursesScreen.prepareLocale()
        let out = output ?? mesh_stdout()
        self.output = out
        let started: OpaquePointer? = if let term {
            newterm(term, out, input ?? mesh_stdin())
        } else {
            newterm(nil, out, input ?? mesh_stdin())
        }
        let name = term ?? getenv("TERM").map { String(cString: $0) } ?? "(TERM not set)"
        guard let started else { throw Failure.cannotStart("unknown terminal type '\(name)'") }
        set_term(started)
        // A dashboard redraws cells where they are: a terminal that cannot move its cursor
        // (TERM=dumb, a printer, an editor's shell buffer) would get a scroll of garbage.
        guard mesh_has_capability("cup") != 0 else {
            endwin()
            delscreen(started)
            throw Failure.cannotStart("terminal '\(name)' cannot move the cursor (its terminfo has no cup); use --headless, or a terminal such as xterm")
        }
        screen = started
        cbreak()
        noecho()
        nonl()
        keypad(mesh_stdscr(), true)
        intrflush(mesh_stdscr(), false)
        // Long enough for a sequence that arrives in pieces (ssh, a busy machine), short enough
        // for Esc to feel immediate; vim's ttimeoutlen is 100 ms too.
        mesh_set_escdelay(100)
        curs_set(0)
        var defaults = false
        if has_colors() {
            start_color()
            defaults = use_default_colors() == OK
        }
        palette = Palette(theme: theme, colors: Int(mesh_colors()), hasColors: has_colors() && mesh_color_pairs() > ColorRole.allCases.count)
        palette.install(defaultColors: defaults)
        TerminalGuard.cursesActive(true)
        // xterm's protocols, where the terminal's description says it speaks them: kmous (its
        // mouse reports) or BE (ncurses' name for "enable bracketed paste").
        let xtermLike = mesh_has_capability("kmous") != 0 || mesh_has_capability("BE") != 0
        if xtermLike {
            bracketedPaste = true
            send("\u{1B}[?2004h")
        }
        if wantsMouse, mesh_has_capability("kmous") != 0 { mouse = mesh_enable_mouse() != 0 }
        updateSize()
    }

    var paletteDepth: Palette.Depth { palette.depth }

    /// The user's locale, as set in the environment. Not replaced by a UTF-8 one when it is not
    /// UTF-8: the terminal behind it then most likely cannot show UTF-8 either.
    private static func prepareLocale() -> Bool {
        setlocale(LC_ALL, "")
        guard let codeset = mesh_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    func updateSize() {
        var y: Int32 = 0, x: Int32 = 0
        mesh_getmaxyx(mesh_stdscr(), &y, &x)
        if y != rows || x != cols { shown = nil }
        rows = y; cols = x
    }

    /// Copies a frame, writing only the cells that changed since the last one.
    func draw(_ buffer: ScreenBuffer) {
        guard screen != nil else { return }
        let previous = shown.flatMap { $0.cols == buffer.cols && $0.rows == buffer.rows ? $0 : nil }
        if previous == nil { werase(mesh_stdscr()) }
        let maxY = min(buffer.rows, Int(rows)), maxX = min(buffer.cols, Int(cols))
        for y in 0..<maxY {
            for x in 0..<maxX {
                let cell = buffer[x, y]
                if let previous, previous[x, y] == cell { continue }
                if cell.isContinuation { continue }
                let wide = x + 1 < buffer.cols && buffer[x + 1, y].isContinuation
                put(cell, wide: wide, y: y, x: x)
            }
        }
        shown = buffer
        wnoutrefresh(mesh_stdscr())
        doupdate()
    }

    /// One cell, checked against what the terminal's locale says of its width: a character
    /// the terminal would draw wider or narrower than the frame laid it out (or not at all) is
    /// replaced visibly, so that nothing is half-drawn and no glyph is left behind.
    private func put(_ cell: ScreenBuffer.Cell, wide: Bool, y: Int, x: Int) {
        let attrs = palette.attributes(cell.style), pair = palette.pair(cell.style)
        withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: TerminalCells.maximumMarks + 2) { text in
            var n = 0
            text[n] = wchar_t(bitPattern: cell.scalar.value); n += 1
            for mark in cell.marks.unicodeScalars where n <= TerminalCells.maximumMarks {
                text[n] = wchar_t(bitPattern: mark.value); n += 1
            }
            text[n] = 0
            if !fits(text, count: n, width: wide ? 2 : 1) {
                text[0] = wchar_t(bitPattern: unicode ? CharacterWidth.replacement.value : 0x3F)
                text[1] = 0
                if wide { _ = mesh_put_wch(Int32(y), Int32(x + 1), 0x20, attrs, pair) }
            }
            _ = mesh_put_cell(Int32(y), Int32(x), text.baseAddress!, attrs, pair)
        }
    }

    private func fits(_ text: UnsafeMutableBufferPointer<wchar_t>, count: Int, width: Int) -> Bool {
        if !unicode { return count == 1 && text[0] >= 0x20 && text[0] < 0x7F }
        guard mesh_wcwidth(text[0]) == Int32(width) else { return false }
        for i in 1..<max(1, count) where mesh_wcwidth(text[i]) != 0 { return false }
        return true
    }

    /// Forgets what is on screen: the next frame is drawn in full (after a resize or Ctrl-L).
    func invalidate() {
        shown = nil
        clearok(mesh_stdscr(), true)
    }

    /// The next input, waiting at most `timeout` milliseconds (0: do not wait). Bracketed
    /// pastes come whole, as one `.paste`.
    func read(timeout: Int32) -> Input? {
        if !pending.isEmpty { return pending.removeFirst() }
        var wait = timeout
        while true {
            guard let raw = readRaw(timeout: wait) else {
                // Nothing more came: a held Esc was a key; an unfinished paste ends here.
                guard decoder.isWaiting else { return nil }
                if decoder.isPasting, wait < 500 { wait = 500; continue }
                pending = decoder.flush().map(Self.input)
                return pending.isEmpty ? nil : pending.removeFirst()
            }
            guard case .key(let key) = raw else { return raw }
            pending = decoder.feed(key).map(Self.input)
            if !pending.isEmpty { return pending.removeFirst() }
            // Inside a sequence or a paste: the rest is already on its way.
            wait = decoder.isPasting ? 500 : 100
        }
    }

    private static func input(_ output: InputDecoder.Output) -> Input {
        switch output {
        case .key(let key): .key(key)
        case .mouse(let button, let x, let y): .mouse(button: button, x: x, y: y)
        }
    }

    /// Drops everything typed ahead (ncurses' `flushinp`), a paste being decoded included: a
    /// question that asks for confirmation takes only keys pressed after it was asked.
    func discardTypeahead() {
        pending = []
        decoder = InputDecoder()
        flushinp()
        // What is still arriving (a paste in several writes, input that is not a tty, where
        // flushinp cannot reach the kernel's queue) goes too, until the input is quiet.
        var dropped = 0
        while dropped < 100_000, readRaw(timeout: 30) != nil { dropped += 1 }
    }

    private func readRaw(timeout: Int32) -> Input? {
        wtimeout(mesh_stdscr(), timeout)
        var ch: wint_t = 0
        let result = wget_wch(mesh_stdscr(), &ch)
        if result == mesh_key_code_yes() {
            let code = Int32(bitPattern: ch)
            if code == mesh_key_mouse() {
                var x: Int32 = 0, y: Int32 = 0
                let button = mesh_read_mouse(&x, &y)
                return button == 0 ? readRaw(timeout: 0) : .mouse(button: Int(button), x: Int(x), y: Int(y))
            }
            return CursesScreen.functionKey(code).map { .key($0) } ?? readRaw(timeout: 0)
        }
        guard result == OK else { return nil }
        return CursesScreen.characterKey(ch).map { .key($0) } ?? readRaw(timeout: 0)
    }

    /// The next key, waiting at most `timeout` milliseconds; mouse events are skipped.
    func readKey(timeout: Int32) -> Key? {
        while let input = read(timeout: timeout) {
            if case .key(let key) = input { return key }
        }
        return nil
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case mesh_key_up(): .up
        case mesh_key_down(): .down
        case mesh_key_left(): .left
        case mesh_key_right(): .right
        case mesh_key_ppage(): .pageUp
        case mesh_key_npage(): .pageDown
        case mesh_key_home(): .home
        case mesh_key_end(): .end
        case mesh_key_enter(): .enter
        case mesh_key_backspace(): .backspace
        case mesh_key_dc(): .delete
        case mesh_key_btab(): .backTab
        case mesh_key_resize(): .resize
        default: nil
        }
    }

    static func characterKey(_ ch: wint_t) -> Key? {
        switch ch {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 12: return .resize  // Ctrl-L: redraw everything
        default:
            guard ch >= 32, let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// Restores the terminal. Safe to call twice.
    func close() {
        guard let current = screen else { return }
        screen = nil
        if mouse { mesh_disable_mouse() }
        if bracketedPaste { send("\u{1B}[?2004l") }
        curs_set(1)
        endwin()
        TerminalGuard.cursesActive(false)
        delscreen(current)
    }

    /// Bytes straight to the terminal, for modes curses has no call for.
    private func send(_ sequence: String) {
        fflush(output)
        fputs(sequence, output)
        fflush(output)
    }

    deinit { close() }
}
