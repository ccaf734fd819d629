import ArgumentParser
import Foundation
import MeshAdmin
import MeshCore

/// `mesh-top ctl events`: the running mesh's events as JSON lines (the recording schema),
/// following new ones as they happen until interrupted or the mesh stops.
struct CtlEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Print events as JSON lines and follow new ones (like tail -f).")

    /// Every event type, as recordings name them.
    static let types = ["endpoint.state", "operator", "failover", "panic", "registry", "check", "alert", "fault", "instance",
                        "view", "sample"]
    /// Left out unless asked for: a sample a second, and other instances' views (the dashboard
    /// shows those on the endpoints).
    static let quiet: Set<String> = ["sample", "view"]

    @OptionGroup var ctl: CtlOptions
    @Option(help: ArgumentHelp("Start after this event sequence number.", valueName: "seq")) var since: UInt64 = 0
    @Flag(help: "Print what is there and stop instead of following.") var once = false
    @Option(help: ArgumentHelp("Only these event types, comma-separated (\(types.joined(separator: ", ")), or all). Default: all but sample (one per second) and view.", valueName: "types"))
    var type: String?

    func run() throws {
        try reportingErrors {
            let wanted = try Self.types(type)
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
                    guard let type = (event as? [String: Any])?["type"] as? String, wanted.contains(type) else { continue }
                    let line = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
                    // Whoever reads stopped (`| head`): done, as any filter is (`ReaderGone`), not a crash.
                    do { try FileHandle.standardOutput.write(contentsOf: line + Data("\n".utf8)) } catch { ReaderGone.leave() }
                }
                if let next = answer.header("X-Mesh-Top-Index").flatMap(UInt64.init) { since = max(since, next) }
                if once { return }
            }
        }
    }

    /// `--type`: the types to print; an unknown one is named with the list of known ones.
    static func types(_ option: String?) throws(CommandError) -> Set<String> {
        guard let option else { return Set(types).subtracting(quiet) }
        var wanted = Set<String>()
        for word in option.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            if word == "all" { wanted.formUnion(types); continue }
            guard types.contains(word) else {
                throw CommandError("--type: unknown event type '\(word)' (expected \(types.joined(separator: ", ")) or all)")
            }
            wanted.insert(word)
        }
        guard !wanted.isEmpty else { throw CommandError("--type: name at least one event type") }
        return wanted
    }
}
