import ArgumentParser
import CMeshGuard
import Foundation
import MeshCore
import MeshOutput

@main
struct MeshTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-top",
        abstract: "Watch and steer a service mesh: registry, load balancer, health checker and dashboard in one.",
        discussion: """
            Without a command, mesh-top runs the built-in demo.

            Exit status: 0 done (the end of a demo or replay, --duration, q, or a first SIGINT, SIGTERM or SIGHUP, with the dashboard as headless); 1 an error, said in one line (a file that is wrong, a port in use, an admin API that refuses); 64 a command line mesh-top cannot use (an unknown option, a value out of range); 128 + n a second signal n, which stops at once; 141 (SIGPIPE, silently) the reader of --headless output went away (| head), as for yes or git log.

            NO_COLOR set means --theme mono. Shell completions: mesh-top --generate-completion-script bash|zsh|fish.
            """,
        version: MeshTopVersion.string,
        subcommands: [DemoCommand.self, RunCommand.self, ReplayCommand.self, CtlCommand.self, ValidateCommand.self, CACommand.self],
        defaultSubcommand: DemoCommand.self
    )

    /// ArgumentParser's own `main`, except that a command line it cannot parse is one line
    /// naming the option (its usage text is one `--help` away), as every other mistake is.
    static func main() {
        // A crash restores the terminal and stops supervised processes with one line. Swift's
        // backtracer (an interactive prompt on a terminal) only when SWIFT_BACKTRACE asks for it.
        mesh_guard_install_fatal(ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil ? 0 : 1)
        mesh_guard_raise_nofile()
        // A reader that goes away (`| head -1`) is a write error to handle (stop, stop the
        // supervised processes, say so), not a silent death that leaves them running.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
            LineWriter.flushAll()
        } catch {
            LineWriter.flushAll()
            if error is ReaderGone { ReaderGone.leave() }
            let code = exitCode(for: error)
            // Help, version and our own exit codes (their message is already out) go as before.
            if code == .success || error is ExitCode { exit(withError: error) }
            Stderr.line("mesh-top: \(oneLine(message(for: error))) (see mesh-top --help)")
            Foundation.exit(code.rawValue)
        }
    }

    /// ArgumentParser lists many values one per line (`- trace`); a usage error stays one line.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let items = lines.filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        let prose = lines.filter { !$0.hasPrefix("- ") }.joined(separator: " ")
        return items.isEmpty ? prose : prose + " " + items.joined(separator: ", ")
    }
}
