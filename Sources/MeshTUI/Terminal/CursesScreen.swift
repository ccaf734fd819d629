import CNcursesw
import Glibc

/// The terminal through ncurses: copies `ScreenBuffer`s to the screen and reads keys. Everything
/// it shows was decided by `render`; this type only translates.
final class CursesScreen {
    enum Failure: Error, CustomStringConvertible {
        case cannotStart(String)
        var description: String {
            switch self { case .cannotStart(let why): "cannot start the terminal UI: \(why)" }
        }
    }

    private var screen: OpaquePointer?
    private let palette: Palette
    private var shown: ScreenBuffer?
    /// The locale can print UTF-8; without it the dashboard falls back to `--ascii`.
    let unicode: Bool
    private(set) var cols: Int32 = 0
    private(set) var rows: Int32 = 0

    /// `term`, `output` and `input` default to `$TERM`, stdout and stdin; tests pass files.
    init(theme: Theme, term: String? = nil, output: UnsafeMutablePointer<FILE>? = nil,
         input: UnsafeMutablePointer<FILE>? = nil) throws {
        unicode = CursesScreen.prepareLocale()
        // The modes to give back if the process dies before curses can (see TerminalGuard).
        let fd = fileno(output ?? mesh_stdout())
        var modes = termios()
        let isTerminal = tcgetattr(fd, &modes) == 0
        let started: OpaquePointer? = if let term {
            newterm(term, output ?? mesh_stdout(), input ?? mesh_stdin())
        } else {
            newterm(nil, output ?? mesh_stdout(), input ?? mesh_stdin())
        }
        guard let started else {
            let name = term ?? getenv("TERM").map { String(cString: $0) } ?? "(TERM not set)"
            throw Failure.cannotStart("unknown terminal type '\(name)'")
        }
        screen = started
        set_term(started)
        cbreak()
        noecho()
        nonl()
        keypad(mesh_stdscr(), true)
        intrflush(mesh_stdscr(), false)
        mesh_set_escdelay(25)
        curs_set(0)
        var defaults = false
        if has_colors() {
            start_color()
            defaults = use_default_colors() == OK
        }
        palette = Palette(theme: theme, colors: Int(mesh_colors()), hasColors: has_colors() && mesh_color_pairs() > ColorRole.allCases.count)
        palette.install(defaultColors: defaults)
        if isTerminal { TerminalGuard.hold(fd, modes: modes, leave: TerminalGuard.leaveSequence()) }
        updateSize()
    }

    var paletteDepth: Palette.Depth { palette.depth }

    /// `LC_ALL` from the environment, or C.UTF-8 when that is not UTF-8: ncursesw needs a UTF-8
    /// locale to print anything but ASCII.
    private static func prepareLocale() -> Bool {
        setlocale(LC_ALL, "")
        if isUTF8() { return true }
        if setlocale(LC_CTYPE, "C.UTF-8") != nil || setlocale(LC_CTYPE, "en_US.UTF-8") != nil { return isUTF8() }
        return false
    }

    private static func isUTF8() -> Bool {
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
                _ = mesh_put_wch(Int32(y), Int32(x), wchar_t(bitPattern: cell.scalar.value),
                                 palette.attributes(cell.style), palette.pair(cell.style))
            }
        }
        shown = buffer
        wnoutrefresh(mesh_stdscr())
        doupdate()
    }

    /// Forgets what is on screen: the next frame is drawn in full (after a resize or Ctrl-L).
    func invalidate() {
        shown = nil
        clearok(mesh_stdscr(), true)
    }

    /// The next key, waiting at most `timeout` milliseconds (0: do not wait).
    func readKey(timeout: Int32) -> Key? {
        wtimeout(mesh_stdscr(), timeout)
        var ch: wint_t = 0
        let result = wget_wch(mesh_stdscr(), &ch)
        if result == mesh_key_code_yes() { return CursesScreen.functionKey(Int32(bitPattern: ch)) }
        guard result == OK else { return nil }
        return CursesScreen.characterKey(ch)
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
        curs_set(1)
        endwin()
        TerminalGuard.release()
        delscreen(current)
    }

    deinit { close() }
}
