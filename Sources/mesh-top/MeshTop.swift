import ArgumentParser
import CMeshGuard
import Foundation

@main
struct MeshTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-top",
        abstract: "Watch and steer a service mesh: registry, load balancer, health checker and dashboard in one.",
        discussion: "Without a command, mesh-top runs the built-in demo.",
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
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // Help, version and our own exit codes (their message is already out) go as before.
            if code == .success || error is ExitCode { exit(withError: error) }
            Stderr.line("mesh-top: \(message(for: error)) (see mesh-top --help)")
            Foundation.exit(code.rawValue)
        }
    }
}
