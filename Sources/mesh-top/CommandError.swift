import ArgumentParser
import Foundation

/// A user error: one line on stderr, exit status 1, never a stack trace.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

enum Stderr {
    /// Written with write(2), whose error is dropped: FileHandle's `write` traps when the
    /// reader of stderr has gone (`mesh-top ... 2>&1 | head -1`).
    static func line(_ text: String) {
        var bytes = Array((text + "\n").utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }
}

extension ParsableCommand {
    /// Runs `body`, turning any error into one line on stderr and exit status 1.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let gone as ReaderGone {
            throw gone
        } catch {
            Stderr.line("mesh-top: \(error)")
            throw ExitCode(1)
        }
    }
}
