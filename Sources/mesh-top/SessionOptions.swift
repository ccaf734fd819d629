import ArgumentParser
import MeshCore
import MeshSession

/// Options shared by the commands that show a mesh: demo, replay (and run).
struct SessionOptions: ParsableArguments {
    @Flag(help: "No dashboard: print every event as one JSON line on stdout and a summary on stderr at the end.")
    var headless = false

    @Option(help: ArgumentHelp("Stop after this much mesh time (e.g. 90s, 2m).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Dashboard redraw interval.", valueName: "duration"))
    var refresh = "500ms"

    @Option(help: ArgumentHelp("Colour theme: default or mono.", valueName: "theme"))
    var theme = "default"

    @Flag(help: "Plain ASCII instead of Unicode line drawing and glyphs (the default where the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Leave the mouse to the terminal (its own text selection) instead of clicks selecting rows and sorting.")
    var noMouse = false

    @Option(help: ArgumentHelp("Serve the admin API (JSON, /metrics; see mesh-top ctl) on host:port. run: mesh.yaml's admin: unless given.", valueName: "addr"))
    var admin: String?

    /// Checked values, or one line saying which option is wrong.
    func resolved() throws(CommandError) -> (duration: Double?, refresh: Double, mono: Bool) {
        var seconds: Double?
        if let duration {
            guard let d = MeshDuration.parse(duration), d > 0 else {
                throw CommandError("--duration: '\(duration)' is not a duration (e.g. 90s, 2m)")
            }
            seconds = d
        }
        guard let r = MeshDuration.parse(refresh), r >= 0.02 else {
            throw CommandError("--refresh: '\(refresh)' is not a duration of at least 20ms")
        }
        guard theme == "default" || theme == "mono" else {
            throw CommandError("--theme: '\(theme)' is not a theme (expected default or mono)")
        }
        return (seconds, r, theme == "mono")
    }
}

/// `--speed 10`, `--speed max`.
struct SpeedOption: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh seconds per wall second, or max for as fast as possible.", valueName: "x"))
    var speed = "1"

    func resolved() throws(CommandError) -> Double? {
        guard let parsed = Pacer.parse(speed) else {
            throw CommandError("--speed: '\(speed)' is not a speed (a number above 0, or max)")
        }
        return parsed
    }
}
