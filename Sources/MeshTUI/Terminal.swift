import CNcursesw

/// Placeholder until the dashboard lands: proves the module links.
enum Terminal {
    static func cursesVersion() -> String { String(cString: curses_version()) }
}
