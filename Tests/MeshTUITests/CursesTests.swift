import CNcursesw
import Foundation
import Glibc
import MeshCore
import Testing
@testable import MeshTUI

/// Everything that touches curses, one test at a time: curses state is process-global.
@Suite(.serialized) struct CursesTests {
    /// A temporary output file and /dev/null (or a given stream) as the terminal.
    final class FakeTerminal {
        let path: String
        let output: UnsafeMutablePointer<FILE>
        let input: UnsafeMutablePointer<FILE>

        init(input: UnsafeMutablePointer<FILE>? = nil) {
            path = NSTemporaryDirectory() + "mesh-top-curses-\(UUID().uuidString).out"
            output = fopen(path, "w+")!
            self.input = input ?? fopen("/dev/null", "r")!
        }

        var bytes: String {
            fflush(output)
            return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }

        deinit {
            fclose(output); fclose(input)
            unlink(path)
        }
    }

    /// The locale a test's terminal runs under (the dashboard takes the environment's).
    func locale(_ name: String) {
        setenv("LC_ALL", name, 1)
    }

    /// Keys typed into a fresh terminal whose input is a pipe holding `bytes`.
    func terminal(typing bytes: String) -> FakeTerminal {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        _ = bytes.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, bytes.utf8.count) }
        close(fds[1])
        return FakeTerminal(input: fdopen(fds[0], "r"))
    }

    @Test func keyCodesAreWrappedRight() {
        #expect(mesh_key_up() == 0o403)
        #expect(mesh_key_down() == 0o402)
        #expect(mesh_key_left() == 0o404)
        #expect(mesh_key_right() == 0o405)
        #expect(mesh_key_home() == 0o406)
        #expect(mesh_key_backspace() == 0o407)
        #expect(mesh_key_f(1) == 0o411)
        #expect(mesh_key_npage() == 0o522)
        #expect(mesh_key_ppage() == 0o523)
        #expect(mesh_key_enter() == 0o527)
        #expect(mesh_key_btab() == 0o541)
        #expect(mesh_key_end() == 0o550)
        #expect(mesh_key_resize() == 0o632)
        #expect(mesh_key_up() == KEY_UP && mesh_key_resize() == KEY_RESIZE)
        #expect(CursesScreen.functionKey(mesh_key_up()) == .up)
        #expect(CursesScreen.functionKey(mesh_key_resize()) == .resize)
        #expect(CursesScreen.functionKey(mesh_key_btab()) == .backTab)
        #expect(CursesScreen.characterKey(13) == .enter)
        #expect(CursesScreen.characterKey(27) == .escape)
        #expect(CursesScreen.characterKey(127) == .backspace)
        #expect(CursesScreen.characterKey(wint_t(Character("é").unicodeScalars.first!.value)) == .char("é"))
    }

    @Test func shimDrawsWideCharactersAttributesAndPairs() throws {
        setlocale(LC_ALL, "C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try #require(newterm("xterm-256color", terminal.output, terminal.input))
        defer { endwin(); delscreen(screen) }
        set_term(screen)
        #expect(has_colors())
        start_color()
        #expect(use_default_colors() == OK)
        #expect(mesh_colors() >= 256)
        #expect(init_pair(1, 203, -1) == OK)
        let text = "█▁é→"
        for (i, scalar) in text.unicodeScalars.enumerated() {
            #expect(mesh_put_wch(0, Int32(i), wchar_t(bitPattern: scalar.value), mesh_a_bold(), 1) == OK)
        }
        #expect(mesh_put_wch(1, 0, wchar_t(bitPattern: Character("界").unicodeScalars.first!.value), mesh_a_reverse(), 0) == OK)
        for (i, scalar) in text.unicodeScalars.enumerated() {
            var ch: wchar_t = 0, attrs: attr_t = 0, pair: Int16 = 0
            #expect(mesh_get_wch_at(0, Int32(i), &ch, &attrs, &pair) == OK)
            #expect(UInt32(bitPattern: ch) == scalar.value)
            #expect(attrs & mesh_a_bold() != 0)
            #expect(pair == 1)
        }
        var ch: wchar_t = 0, attrs: attr_t = 0, pair: Int16 = 0
        #expect(mesh_get_wch_at(1, 0, &ch, &attrs, &pair) == OK)
        #expect(UInt32(bitPattern: ch) == 0x754C)
        #expect(attrs & mesh_a_reverse() != 0)
        refresh()
        let bytes = terminal.bytes
        #expect(bytes.contains(text))
        #expect(bytes.contains("界"))
        #expect(bytes.contains("\u{1B}[1m") || bytes.contains(";1m"), "bold sequence")
        #expect(bytes.contains("38;5;203"), "256-colour foreground for pair 1")
    }

    @Test func cursesScreenCopiesARenderedFrame() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        #expect(screen.unicode)
        #expect(screen.paletteDepth == .full)
        #expect(screen.cols == 80 && screen.rows == 24)
        let frame = DashboardFrame(state: Fixtures.mesh(), status: Fixtures.demo)
        let buffer = render(frame, size: (Int(screen.cols), Int(screen.rows)))
        screen.draw(buffer)
        for y in [0, 3, 5, 23] {
            #expect(readLine(y, cols: Int(screen.cols)) == buffer.line(y))
        }
        // Only changed cells are written the second time.
        var next = frame
        next.view.selection = .endpoint(Fixtures.ref("checkout", "checkout-b1"))
        let changed = render(next, size: (80, 24))
        screen.draw(changed)
        #expect(readLine(8, cols: 80) == changed.line(8))
        let bytes = terminal.bytes
        #expect(bytes.contains("checkout-a1"))
        #expect(bytes.contains("▾ checkout"))
    }

    @Test func monoThemeUsesAttributesOnly() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .mono, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        #expect(screen.paletteDepth == .mono)
        screen.draw(render(DashboardFrame(state: Fixtures.mesh(), status: Fixtures.demo), size: (80, 24)))
        #expect(!terminal.bytes.contains("38;5;"))
        var ch: wchar_t = 0, attrs: attr_t = 0, pair: Int16 = 0
        #expect(mesh_get_wch_at(2, 1, &ch, &attrs, &pair) == OK)  // the topology's title bar
        #expect(attrs & mesh_a_reverse() != 0)
        #expect(pair == 0)
    }

    @Test func eightColourTerminalsGetTheEightColourPalette() throws {
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        #expect(screen.paletteDepth == .eight)
    }

    @Test func unknownTerminalIsAnErrorNotAnExit() {
        let terminal = FakeTerminal()
        #expect(throws: CursesScreen.Failure.self) {
            _ = try CursesScreen(theme: .default, term: "no-such-terminal-xyz", output: terminal.output, input: terminal.input)
        }
    }

    @Test func loopRunsKeysFromTheTerminalAndQuits() throws {
        locale("C.UTF-8")
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let keys = "jjd\u{1B}OB?qq"  // j j d, arrow down (keypad mode), help, q closes help, q quits
        _ = keys.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, keys.utf8.count) }
        close(fds[1])
        let terminal = FakeTerminal(input: fdopen(fds[0], "r"))
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        let source = RecordingSession()
        var loop = DashboardLoop(session: source, screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .quit)
        #expect(source.commands == [.operate(.drain, Fixtures.ref("checkout", "checkout-a2"), weight: nil)])
        #expect(loop.view.selection == .endpoint(Fixtures.ref("checkout", "checkout-b1")))
        #expect(terminal.bytes.contains("checkout-b1"))
    }

    @Test func stopSignalEndsTheLoop() throws {
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        TerminalGuard.install()
        defer { TerminalGuard.uninstall() }
        // To the process, not this thread: test threads may block SIGTERM.
        kill(getpid(), SIGTERM)
        for _ in 0..<200 where TerminalGuard.pendingSignal == nil { usleep(5000) }
        var loop = DashboardLoop(session: RecordingSession(), screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .signal(SIGTERM))
        screen.close()
        #expect(terminal.bytes.hasSuffix("\u{1B}[?1049l\u{1B}[23;0;0t") || terminal.bytes.contains("\u{1B}[?1049l"),
                "left the alternate screen: the terminal is restored")
    }

    @Test func closedInputEndsTheLoopInsteadOfSpinning() throws {
        let terminal = FakeTerminal()  // /dev/null: every read is end of file
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        var loop = DashboardLoop(session: RecordingSession(), screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .inputClosed)
    }

    /// Case 08's names reach the terminal as written: each cell keeps its marks, decomposed
    /// Hangul its vowel and final, and the columns after them line up.
    @Test func clustersReachTheTerminalWhole() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        let frame = DashboardFrame(state: Fixtures.scripts(), status: Fixtures.demo)
        let buffer = render(frame, size: (80, 24))
        screen.draw(buffer)
        for y in 3..<11 { #expect(readLine(y, cols: 80) == buffer.line(y), "row \(y)") }
        let bytes = terminal.bytes
        #expect(bytes.contains("\u{1100}\u{1167}\u{11AF}"), "the decomposed syllable is sent in one piece")
        #expect(bytes.contains("\u{0E27}\u{0E31}"), "the Thai vowel mark follows its consonant")
    }

    /// A cell the terminal's locale would draw at another width than the frame laid out (or not
    /// at all) is replaced, never half-drawn.
    @Test func aCellTheTerminalDisagreesWithIsReplaced() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        var buffer = ScreenBuffer(cols: 80, rows: 24)
        buffer.put("ok", x: 0, y: 0)
        // A private-use character our table calls narrow but the C library cannot print.
        buffer.put("a\u{10FFFD}b", x: 0, y: 1)
        screen.draw(buffer)
        #expect(readLine(0, cols: 80) == "ok")
        #expect(readLine(1, cols: 80) == "a\u{FFFD}b")
    }

    /// Without UTF-8 in the locale the dashboard draws ASCII, as htop does, and nothing else is
    /// sent even if a frame held it.
    @Test func aLocaleWithoutUTF8GetsASCII() throws {
        locale("C")
        defer { locale("C.UTF-8") }
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        #expect(!screen.unicode)
        var buffer = ScreenBuffer(cols: 80, rows: 24)
        buffer.put("é界x", x: 0, y: 0)
        screen.draw(buffer)
        #expect(readLine(0, cols: 80) == "?? x", "one ? a cell: é, then 界 and its right half")
        #expect(terminal.bytes.unicodeScalars.allSatisfy { $0.value < 0x80 }, "only ASCII went to the terminal")
    }

    @Test func aTerminalThatCannotMoveItsCursorIsRefusedInOneLine() {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        #expect {
            _ = try CursesScreen(theme: .default, term: "dumb", output: terminal.output, input: terminal.input)
        } throws: { error in
            let text = "\(error)"
            return text.contains("cannot move the cursor") && !text.contains("\n")
        }
    }

    /// xterm-like terminals are asked for bracketed paste and mouse reports, and told to stop
    /// on the way out; `--no-mouse` asks for no mouse.
    @Test func pasteAndMouseModesAreAskedAndRestored() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        #expect(screen.bracketedPaste && screen.mouse)
        screen.close()
        let bytes = terminal.bytes
        #expect(bytes.contains("\u{1B}[?2004h") && bytes.contains("\u{1B}[?2004l"))
        #expect(bytes.contains("1000h") || bytes.contains("1006h") || bytes.contains("1006;1000h"), "mouse reporting asked for")
        let quiet = FakeTerminal()
        let noMouse = try CursesScreen(theme: .default, term: "xterm-256color", output: quiet.output, input: quiet.input, mouse: false)
        #expect(!noMouse.mouse)
        noMouse.close()
        #expect(!quiet.bytes.contains("1000h") && !quiet.bytes.contains("1006"))
    }

    /// Case 13 at the terminal: a bracketed paste of "x" and "y" runs nothing.
    @Test func aBracketedPasteRunsNothing() throws {
        locale("C.UTF-8")
        let terminal = self.terminal(typing: "jj/\u{1B}[200~web-2\rjust proxy it xy\u{1B}[201~\rq")
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        let source = RecordingSession()
        var loop = DashboardLoop(session: source, screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .quit)
        #expect(source.commands.isEmpty)
        #expect(loop.view.filter == "web-2 just proxy it xy")
    }

    /// Without bracketed paste, an x and a y typed ahead in one burst (a paste the terminal did
    /// not mark) open the question and the y is dropped: only a key pressed once the question
    /// is on screen answers it.
    @Test func aConfirmationTakesNoKeyTypedAheadOfIt() throws {
        locale("C.UTF-8")
        let terminal = self.terminal(typing: "jjxy")
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        let source = RecordingSession()
        var loop = DashboardLoop(session: source, screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .inputClosed)
        #expect(source.commands.isEmpty, "the typed-ahead y confirmed a kill")
        #expect(loop.view.confirmation?.action == .kill)
    }

    /// A click (xterm's SGR mouse report) selects the row under it; the wheel scrolls.
    @Test func aClickSelectsTheRowUnderIt() throws {
        locale("C.UTF-8")
        let frame = DashboardFrame(state: Fixtures.mesh(), status: Fixtures.demo)
        let lines = render(frame, size: (80, 24)).text.split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(lines.firstIndex { $0.contains("checkout-b1") })
        // Reports count from 1; press then release.
        let terminal = self.terminal(typing: "\u{1B}[<0;12;\(y + 1)M\u{1B}[<0;12;\(y + 1)mq")
        let screen = try CursesScreen(theme: .default, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        var loop = DashboardLoop(session: RecordingSession(), screen: screen, refresh: 0.05, view: DashboardView())
        #expect(loop.run() == .quit)
        #expect(loop.view.selection == .endpoint(Fixtures.ref("checkout", "checkout-b1")))
    }

    /// The graph view in mono: attributes only, no colour sequences.
    @Test func monoGraphAndInspectUseAttributesOnly() throws {
        locale("C.UTF-8")
        let terminal = FakeTerminal()
        let screen = try CursesScreen(theme: .mono, term: "xterm-256color", output: terminal.output, input: terminal.input)
        defer { screen.close() }
        var view = DashboardView(theme: .mono)
        view.graph = true
        screen.draw(render(DashboardFrame(state: Fixtures.mesh(), status: Fixtures.demo, view: view), size: (80, 24)))
        view.graph = false
        view.inspecting = true
        view.selection = .endpoint(Fixtures.ref("checkout", "checkout-b1"))
        screen.draw(render(DashboardFrame(state: Fixtures.mesh(), status: Fixtures.demo, view: view), size: (80, 24)))
        let colours = (30...37).map { "\u{1B}[\($0)m" } + ["38;5;"]
        #expect(!colours.contains { terminal.bytes.contains($0) }, "no foreground colour sent")
        #expect(readLine(2, cols: 80).hasPrefix(" INSPECT checkout/checkout-b1"))
    }

    func readLine(_ y: Int, cols: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var x = 0
        var text = [wchar_t](repeating: 0, count: 8)
        while x < cols {
            guard mesh_get_cell_text(Int32(y), Int32(x), &text, Int32(text.count)) == OK else { break }
            let first = Unicode.Scalar(UInt32(bitPattern: text[0])) ?? " "
            for c in text.prefix(while: { $0 != 0 }) { scalars.append(Unicode.Scalar(UInt32(bitPattern: c)) ?? " ") }
            x += CharacterWidth.of(first) == 2 ? 2 : 1
        }
        var s = String(scalars)
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// A session that serves the fixture mesh and remembers what it was told. `@unchecked`: what
/// it received is only touched under its lock.
final class RecordingSession: SessionHandle, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [SessionCommand] = []

    var commands: [SessionCommand] { lock.withLock { received.filter { $0 != .stop } } }

    func snapshot() -> SessionSnapshot {
        SessionSnapshot(state: Fixtures.mesh(), mode: Fixtures.demo.mode, speed: Fixtures.demo.speed, end: Fixtures.demo.duration)
    }

    func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)?) {
        lock.withLock { received.append(command) }
    }
}
