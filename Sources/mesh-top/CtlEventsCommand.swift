import ArgumentParser
import Foundation
import MeshAdmin
import MeshCore

/// `mesh-top ctl events`: the running mesh's events as JSON lines (the recording schema),
/// following new ones as they happen until interrupted or the mesh stops.
struct CtlEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Print events as JSON lines and follow new ones (like tail -f).")

    @OptionGroup var ctl: CtlOptions
    @Option(help: ArgumentHelp("Start after this event sequence number.", valueName: "seq")) var since: UInt64 = 0
    @Flag(help: "Print what is there and stop instead of following.") var once = false

    func run() throws {
        try reportingErrors {
            var since = since
            let signals = SignalWatch { Foundation.exit(0) }
            defer { signals.cancel() }
            while true {
                let answer = try ctl.send("GET", "/v1/events?since=\(since)&wait=\(once ? "0s" : "25s")", timeout: 35)
                // Printed as the API sent them: one event per line, each the recording's schema.
                guard let events = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [Any] else {
                    throw CommandError("the admin API sent something that is not a list of events")
                }
                for event in events {
                    let line = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
                    FileHandle.standardOutput.write(line + Data("\n".utf8))
                }
                if let next = answer.header("X-Mesh-Top-Index").flatMap(UInt64.init) { since = max(since, next) }
                if once { return }
            }
        }
    }
}
