import Testing
import CNcursesw
@Test func cursesLinks() { #expect(String(cString: curses_version()).hasPrefix("ncurses")) }
