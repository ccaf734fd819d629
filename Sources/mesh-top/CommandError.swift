import ArgumentParser
import Foundation

/// A user error: one line on stderr, exit status 1, never a stack trace.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

enum Stderr {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension ParsableCommand {
    /// Runs `body`, turning any error into one line on stderr and exit status 1.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Stderr.line("mesh-top: \(error)")
            throw ExitCode(1)
        }
    }
}
