import ArgumentParser
import MeshConfig
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

    @OptionGroup var logging: LogOptions

    @Option(help: ArgumentHelp("Serve the admin API (JSON, /metrics; see mesh-top ctl) on host:port. run: mesh.yaml's admin: unless given.", valueName: "addr"))
    var admin: String?

    /// `--refresh`: often enough to follow, seldom enough not to spin.
    static let refreshRange: ClosedRange<Double> = 0.02...3600

    /// Checked values, or one line saying which option is wrong.
    func resolved() throws(CommandError) -> (duration: Double?, refresh: Double, mono: Bool) {
        let seconds = try duration.map { text throws(CommandError) in
            try Self.duration(text, option: "--duration", in: ConfigLimits.scenarioDuration)
        }
        let r = try Self.duration(refresh, option: "--refresh", in: Self.refreshRange)
        guard theme == "default" || theme == "mono" else {
            throw CommandError("--theme: '\(theme)' is not a theme (expected default or mono)")
        }
        return (seconds, r, theme == "mono")
    }

    /// A duration option within `range`, or one line naming the option and the range.
    static func duration(_ text: String, option: String, in range: ClosedRange<Double>) throws(CommandError) -> Double {
        let span = "\(MeshDuration.format(range.lowerBound)) to \(MeshDuration.format(range.upperBound))"
        guard let seconds = MeshDuration.seconds(text) else {
            throw CommandError("\(option): '\(text)' is not a duration (e.g. 90s, 2m; \(span))")
        }
        guard range.contains(seconds) else { throw CommandError("\(option): '\(text)' is outside \(span)") }
        return seconds
    }
}

/// `--speed 10`, `--speed max`.
struct SpeedOption: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh seconds per wall second, or max for as fast as possible.", valueName: "x"))
    var speed = "1"

    func resolved() throws(CommandError) -> Double? {
        guard let parsed = Pacer.parse(speed) else {
            throw CommandError("--speed: '\(speed)' is not a speed (0.01 to 10000, or max)")
        }
        return parsed
    }
}
