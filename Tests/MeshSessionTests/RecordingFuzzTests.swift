import Foundation
import MeshConfig
import MeshCore
import MeshSim
import PropertyBased
import Testing
@testable import MeshSession

/// Recordings as a hostile user edits them: numbers at the edge of every range (case r05:
/// `rps: 1e19`, `t: -1e19`), lines cut, dropped or swapped. `validate` and `replay` read them
/// with one reader, so they agree on every file; what they accept replays and sums up without
/// a trap; what they refuse is one line naming the file, the line and the key.
@Suite struct RecordingFuzzTests {
    /// A short recording of the zone-outage demo, as `--record` writes it.
    static let lines: [String] = {
        guard let scenario = try? Scenario.load(path: RecordingTests.scenarioPath) else { return [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = RecordingHeader(source: "demo", started: "2026-01-02T03:04:05Z", mesh: Simulator.mesh(of: scenario))
        var lines = [String(decoding: (try? encoder.encode(header)) ?? Data(), as: UTF8.self)]
        let playback = DemoPlayback(scenario: scenario) { event in
            lines.append(String(decoding: (try? encoder.encode(event)) ?? Data(), as: UTF8.self))
        }
        playback.advance(to: 25)
        return lines
    }()

    static let numbers = ["1e19", "-1e19", "1e308", "-1e308", "1e-320", "-0", "9223372036854775808", "18446744073709551616",
                          "-1", "0", "1e9", "1000000001", "4294967296", "NaN", "Infinity", "\"x\"", "null", "[]", "{}", "1e400"]

    struct Edit: Sendable, CustomStringConvertible {
        var kind: Int, line: Int, spot: Int, value: Int
        var description: String { "kind \(kind) line \(line) spot \(spot) value \(RecordingFuzzTests.numbers[value])" }

        func apply(to lines: [String]) -> [String] {
            var lines = lines
            let i = line % lines.count
            switch kind {
            case 0...3:
                // The spot-th number on the line.
                let text = lines[i]
                let numbers = text.ranges(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)
                guard !numbers.isEmpty else { return lines }
                lines[i] = text.replacingCharacters(in: numbers[spot % numbers.count], with: RecordingFuzzTests.numbers[value])
            case 4: lines[i] = String(lines[i].prefix(spot * 7))
            case 5: lines.remove(at: i)
            default: lines.swapAt(i, (i + spot) % lines.count)
            }
            return lines
        }
    }

    static let edits = zip(Gen.int(in: 0...6), Gen.int(in: 0...5000), Gen.int(in: 0...60), Gen.int(in: 0...(numbers.count - 1)))
        .map { Edit(kind: $0, line: $1, spot: $2, value: $3) }
        .array(of: 1...3)

    @Test func validateAndReplayAgreeAndNeitherTraps() async {
        #expect(Self.lines.count > 30)
        await propertyCheck(count: 150, input: Self.edits, Gen.bool) { edits, newline in
            let text = edits.reduce(Self.lines) { $1.apply(to: $0) }.joined(separator: "\n") + (newline ? "\n" : "")
            let validated: Result<RecordingCheck.Summary, ConfigError> = Result { () throws(ConfigError) in
                try RecordingCheck.check(text: text, file: "r.jsonl")
            }
            let replayed = Result { () throws(RecordingError) in try Recording.parse(Data(text.utf8), file: "r.jsonl") }
            switch (validated, replayed) {
            case (.success(let summary), .success(let recording)):
                #expect(summary.events == recording.events.count && summary.cutOffLine == recording.truncatedAtLine)
                Self.replay(recording)
            case (.failure(let v), .failure(let r)):
                #expect(v.description == r.description)
                #expect(!v.description.contains("\n") && v.description.hasPrefix("r.jsonl:"))
            default:
                Issue.record("validate and replay disagree: \(validated) / \(replayed)")
            }
        }
    }

    /// Case r05, exactly: the first sample's numbers out of range.
    @Test(arguments: [("rps", "1e19"), ("rps", "-1e19"), ("errors", "1e308"), ("t", "-1e19")])
    func sampleNumbersOutOfRangeAreOneLine(key: String, value: String) throws {
        var lines = Self.lines
        let i = try #require(lines.firstIndex { $0.contains(#""type":"sample""#) })
        // The event's own `t` (sorted keys put it just before `type`), not a check mark's.
        let pattern = key == "t" ? #/"t":[^,}]+(?=,"type")/# : key == "rps" ? #/"rps":[^,}]+/# : #/"errors":[^,}]+/#
        let found = try #require(lines[i].firstMatch(of: pattern))
        lines[i].replaceSubrange(found.range, with: "\"\(key)\":\(value)")
        let text = lines.joined(separator: "\n") + "\n"
        let where_ = key == "t" ? "t" : "endpoints[0].\(key)"
        let shown = key == "t" ? "-1e+19 is outside 0.0...1000000000.0" : "\(Double(value)!) is outside 0.0...1000000000.0"
        #expect(throws: ConfigError.self) { try RecordingCheck.check(text: text, file: "r.jsonl") }
        do { _ = try RecordingCheck.check(text: text, file: "r.jsonl") } catch {
            #expect(error.description == "r.jsonl:\(i + 1): \(where_): \(shown)")
        }
    }

    /// Everything a replay does with a recording: play through in slices, seek both ways, sum up.
    static func replay(_ recording: Recording) {
        let playback = ReplayPlayback(recording: recording)
        var summary = RunSummary()
        for event in recording.events { summary.count(event) }
        let end = playback.end ?? 0
        while playback.now < end {
            let before = playback.now
            playback.advance(to: end, maxEvents: 200)
            if playback.now == before && playback.cursor.isAtEnd { break }
        }
        _ = playback.seek(to: end / 2)
        playback.advance(to: end)
        _ = playback.seek(to: 0)
        playback.advance(to: end / 3)
        _ = summary.table(for: playback.state)
    }
}
