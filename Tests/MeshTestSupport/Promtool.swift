import Foundation

/// Prometheus' own checker of the text exposition format (Debian's `prometheus` package).
public enum Promtool {
    /// Where promtool is installed, nil when it is not.
    public static var path: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile)
    }

    /// What `promtool check metrics` says of `text` (stdout and stderr together: lint remarks
    /// come back there), and its exit status.
    public static func check(_ text: String, promtool: String) throws -> (status: Int32, said: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }
}
