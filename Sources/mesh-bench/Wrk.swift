import Foundation

/// Runs wrk and reads what it prints.
enum Wrk {
    struct Result {
        var requests: Int = 0
        var rps: Double = 0
        /// Seconds.
        var p50: Double = 0
        var p99: Double = 0
    }

    static func run(url: String, threads: Int, connections: Int, duration: Double, latency: Bool,
                    headers: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(Int(duration.rounded(.up)))s"]
            + (latency ? ["--latency"] : []) + headers.flatMap { ["-H", $0] } + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> Result {
        var result = Result()
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), words.count >= 2 { result.rps = Double(words[1]) ?? 0 }
            if line.contains("requests in"), let n = Int(words.first ?? "") { result.requests = n }
            if line.hasPrefix("50%"), words.count >= 2 { result.p50 = seconds(String(words[1])) }
            if line.hasPrefix("99%"), words.count >= 2 { result.p99 = seconds(String(words[1])) }
        }
        return result
    }

    /// "123.45us", "1.20ms", "2.00s".
    static func seconds(_ text: String) -> Double {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? 0) * scale
        }
        return 0
    }
}
