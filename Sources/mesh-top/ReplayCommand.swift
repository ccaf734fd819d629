import ArgumentParser
import MeshCore
import NIOConcurrencyHelpers
import MeshSession
import MeshTUI

/// `mesh-top replay RECORDING.jsonl`: play a recording back through `MeshState.apply`.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording back, with pause, speed and seek.",
        discussion: "A recording whose last line was cut off (a crash while writing) plays everything before the cut and says so."
    )

    @Argument(help: "A recording made with --record.")
    var recording: String

    @OptionGroup var session: SessionOptions
    @OptionGroup var pace: SpeedOption

    func run() throws {
        try reportingErrors {
            // Said at once, except while the dashboard has the terminal: then after it.
            let held = NIOLockedValueBox<[String]?>(nil)
            let file = try RecordingFile.open(path: recording) { notice in
                let kept = held.withLockedValue { lines -> Bool in
                    guard lines != nil else { return false }
                    lines!.append(notice)
                    return true
                }
                if !kept { Stderr.line("mesh-top: \(notice)") }
            }
            defer { for notice in held.withLockedValue({ $0 ?? [] }) { Stderr.line("mesh-top: \(notice)") } }
            if let line = file.index.cutOffLine {
                Stderr.line("mesh-top: \(recording):\(line): last line is cut off; replaying everything before it")
            }
            let options = session.resolved()
            let speed = pace.resolved()
            let admin = try AdminSettings.resolve(option: session.admin, fallback: nil, token: nil)
            let logger = try session.logging.logger(headless: session.headless, besides: DemoCommand.directory(of: recording))
            let sinks = try EventSinks(headless: session.headless, journal: admin != nil, logger: logger)
            let playback = ReplayPlayback(file: file, onEvent: sinks.accept)
            if !session.headless { held.withLockedValue { $0 = [] } }
            try SessionLauncher.run(playback, sinks: sinks, settings: .init(
                speed: speed,
                duration: [options.duration, playback.end].compactMap { $0 }.min(), refresh: options.refresh, mono: options.mono,
                ascii: session.ascii, headless: session.headless, mouse: !session.noMouse, admin: admin,
                logger: logger))
            if let failure = playback.failure { throw failure }
        }
    }
}
