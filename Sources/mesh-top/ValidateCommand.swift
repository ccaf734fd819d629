import ArgumentParser
import Foundation
import MeshConfig

/// `mesh-top validate FILE`: check a config, scenario or recording; exit 0 with a summary, or 1
/// with one line naming the file, the line and the key.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a config, scenario or recording; exit 0 or explain what is wrong.",
        discussion: "The kind of file is told from its content (a .jsonl recording, a scenario with traffic/timeline, or a mesh.yaml)."
    )

    @Argument(help: "A mesh.yaml, a scenario file or a recording (.jsonl).")
    var file: String

    func run() throws {
        do {
            let report = try Validator.validate(path: file)
            for warning in report.warnings { Stderr.line(warning) }
            print(report.summary)
        } catch {
            // The error is the whole message: no "Error:" prefix, no usage text.
            Stderr.line(error.description)
            throw ExitCode(1)
        }
    }
}
