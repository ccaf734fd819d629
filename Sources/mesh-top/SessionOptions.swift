import ArgumentParser
import Foundation
import MeshConfig
import MeshCore
import MeshSession

/// Options shared by the commands that show a mesh: demo, replay (and run).
struct SessionOptions: ParsableArguments {
    @Flag(help: "No dashboard: print every event as one JSON line on stdout and a summary on stderr at the end.")
    var headless = false

    @Option(help: ArgumentHelp("Stop after this much mesh time (e.g. 90s, 2m; \(SessionOptions.span(ConfigLimits.scenarioDuration))).", valueName: "duration"),
            completion: .list(["30s", "90s", "5m", "1h"]),
            transform: { try SessionOptions.duration($0, in: ConfigLimits.scenarioDuration) })
    var duration: Double?

    @Option(help: ArgumentHelp("Dashboard redraw interval (\(SessionOptions.span(SessionOptions.refreshRange))).", valueName: "duration"),
            completion: .list(["100ms", "250ms", "500ms", "1s"]),
            transform: { Seconds(try SessionOptions.duration($0, in: SessionOptions.refreshRange)) })
    var refresh = Seconds(0.5)

    @Option(help: ArgumentHelp("Colour theme (default: mono when NO_COLOR is set, as no-color.org asks).", valueName: "theme"))
    var theme: Theme?

    @Flag(help: "Plain ASCII instead of Unicode line drawing and glyphs (the default where the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Leave the mouse to the terminal (its own text selection) instead of clicks selecting rows and sorting.")
    var noMouse = false

    @OptionGroup var logging: LogOptions

    @Option(help: ArgumentHelp("Serve the admin API (JSON, /metrics; see mesh-top ctl) on host:port. run: mesh.yaml's admin: unless given.", valueName: "addr"))
    var admin: String?

    /// `--refresh`: often enough to follow, seldom enough not to spin.
    static let refreshRange: ClosedRange<Double> = 0.02...3600

    /// The checked values (ArgumentParser has checked them while parsing).
    func resolved() -> (duration: Double?, refresh: Double, mono: Bool) {
        (duration, refresh.value, Theme.effective(theme) == .mono)
    }

    /// A duration within `range`, or why not (ArgumentParser names the option and the value).
    static func duration(_ text: String, in range: ClosedRange<Double>) throws -> Double {
        guard let seconds = MeshDuration.seconds(text) else {
            throw ValidationError("not a duration (e.g. 90s, 2m; \(span(range)))")
        }
        guard range.contains(seconds) else { throw ValidationError("outside \(span(range))") }
        return seconds
    }

    static func span(_ range: ClosedRange<Double>) -> String {
        "\(MeshDuration.format(range.lowerBound)) to \(MeshDuration.format(range.upperBound))"
    }
}

/// `--theme`: colours for the terminal, or none.
enum Theme: String, CaseIterable, ExpressibleByArgument {
    case `default`, mono

    /// The theme asked for, else mono where NO_COLOR is set to anything (no-color.org).
    static func effective(_ given: Theme?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Theme {
        given ?? ((environment["NO_COLOR"] ?? "").isEmpty ? .default : .mono)
    }
}

/// `--speed 10`, `--speed max`.
struct SpeedOption: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh seconds per wall second (\(Pacer.speedRange.lowerBound) to \(Int(Pacer.speedRange.upperBound))), or max for as fast as possible.", valueName: "x"),
            completion: .list(["max", "0.5", "1", "2", "5", "10", "100"]),
            transform: { text in
                guard let parsed = Pacer.parse(text) else { throw ValidationError("not a speed (0.01 to 10000, or max)") }
                return Speed(value: parsed)
            })
    var speed = Speed(value: 1)

    /// nil: max.
    func resolved() -> Double? { speed.value }
}

/// A parsed `--speed`: nil is max.
struct Speed: CustomStringConvertible {
    var value: Double?
    var description: String { value.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "max" }
}

/// A parsed duration option, shown in help as it is written (`500ms`).
struct Seconds: CustomStringConvertible {
    var value: Double
    init(_ value: Double) { self.value = value }
    var description: String { MeshDuration.format(value) }
}
