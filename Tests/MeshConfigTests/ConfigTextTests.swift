import Foundation
import Testing
@testable import MeshConfig
import MeshCore

/// A config or scenario as editors and file systems hand it over: a byte-order mark, CRLF line
/// ends, durations written in ways `Double(_:)` would take but an operator never means.
@Suite struct ConfigTextTests {
    static let scenario = "name: one\nduration: 2s\nservices:\n  - name: web\n    endpoints:\n"
        + "      - {id: web-1, zone: a, latency: {p50: 10ms, p99: 20ms}, capacity: 100}\ntraffic:\n  - {service: web, rps: 10}\n"

    func validate(_ bytes: [UInt8]) throws(ConfigError) -> Validator.Report {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-text-\(UUID().uuidString).yaml").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Validator.validate(path: path)
    }

    @Test func aByteOrderMarkAndCRLFLineEndsRead() throws {
        let windows = [0xEF, 0xBB, 0xBF] + Array(Self.scenario.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(try validate(windows).kind == .scenario)
        #expect(try validate([0xEF, 0xBB, 0xBF] + Array(Self.scenario.utf8)).summary.hasSuffix("scenario 'one', 1 service, 1 endpoint, 0 timeline steps"))
    }

    @Test(arguments: ["0x10s", "nans", "infs", "-1s", "+1s", "1_0s", "s"])
    func aDurationIsADecimalNumberWithAUnit(text: String) {
        #expect(MeshDuration.seconds(text) == nil, "\(text)")
        #expect(throws: ConfigError.self) { try Scenario.parse(yaml: "name: x\nduration: \(text)\nservices: []\n", file: "s.yaml") }
    }

    @Test func aDurationTooLargeForADoubleIsOutOfRangeNotBad() {
        #expect(MeshDuration.seconds("1e309s") == .infinity)
        #expect(MeshDuration.seconds(".5s") == 0.5 && MeshDuration.seconds("1e2ms") == 0.1)
        do {
            _ = try Scenario.parse(yaml: "name: x\nduration: 1e309s\nservices: []\n", file: "s.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "s.yaml:2: duration: must be at most 720h, got 1e309s", "\(error)")
        }
    }
}
