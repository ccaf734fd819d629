import Foundation
import MeshCore
import PropertyBased
import MeshSim
import Testing
@testable import MeshConfig

/// The fast line decoder may decline a line (then Foundation reads it) but must never accept a
/// line Foundation refuses, nor read one differently.
@Suite struct JSONLineDecoderTests {
    static let demo: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = (try? String(contentsOf: root.appendingPathComponent("demo/zone-outage.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().map(String.init)
    }()

    /// Foundation's reading and the fast one; nil where a decoder refuses the line.
    static func both(_ line: String) -> (foundation: MeshEvent?, fast: MeshEvent?) {
        let foundation = try? JSONDecoder().decode(MeshEvent.self, from: Data(line.utf8))
        var decoder = JSONLineDecoder()
        let fast = Array(line.utf8).withUnsafeBytes { try? decoder.decode(MeshEvent.self, from: $0) }
        return (foundation, fast)
    }

    @Test func everyLineOfTheDemoRecordingReadsAsFoundationReadsIt() throws {
        try #require(Self.demo.count > 100)
        for line in Self.demo {
            let (foundation, fast) = Self.both(line)
            #expect(foundation != nil)
            #expect(fast == foundation, "\(line.prefix(120))")
        }
    }

    @Test func oddButValidLinesAreReadTheSameOrDeclined() {
        let lines = [
            #"{"t":1.5e2,"type":"fault","action":"crash","target":"web/web-1","detail":""}"#,
            #" { "t" : 0 , "seq" : 3 , "type" : "fault" , "action" : "crash" , "target" : "web/web-1" , "detail" : "a\"b" } "#,
            #"{"t":1,"type":"fault","action":"crash","target":"web/wéb-1","detail":"\u00e9"}"#,
            #"{"t":2.25,"seq":2,"type":"sample","endpoints":[],"services":null}"#,
            #"{"t":2.25,"seq":2.0,"type":"sample","endpoints":[]}"#,
            #"{"t":2.25,"seq":-2,"type":"sample","endpoints":[]}"#,
            #"{"t":-0.0,"type":"sample","endpoints":[]}"#,
            #"{"t":1,"type":"sample","endpoints":[],"t":2}"#,
        ]
        for line in lines {
            let (foundation, fast) = Self.both(line)
            #expect(fast == nil || fast == foundation, "\(line)")
        }
    }

    /// Found by the mutation test below (seed 7RqOKWRTka1J+EgtXQNJ90r++nj4GOKLkJKU4jsUdaw=): twenty
    /// digits that wrap a 64-bit accumulator to exactly 0 (5 × 2^64, 2^64) were read as 0, where
    /// Foundation reads 9.2e19 and the range check refuses it.
    @Test func digitsThatWrapTheAccumulatorAreNotReadAsZero() {
        func line(_ rps: String) -> String {
            #"{"t":1,"type":"sample","endpoints":[{"endpoint":"web/web-1","rps":"# + rps + #","active":0,"p50":0,"p99":0,"errors":0}]}"#
        }
        let control = Self.both(line("12.5"))
        #expect(control.fast != nil && control.fast == control.foundation, "the line's shape takes the fast path")
        for rps in ["92233720368547758080", "18446744073709551616", "0.92233720368547758080e20", "00092233720368547758080"] {
            let (foundation, fast) = Self.both(line(rps))
            #expect(foundation == nil, "\(rps) is past the recorded range")
            #expect(fast == nil, "\(rps) read as \(String(describing: fast))")
        }
        var decoder = JSONLineDecoder()
        for text in ["92233720368547758080", "18446744073709551616"] {
            let line = Array(#"{"active":0,"errors":0,"p50":0,"p99":0,"rps":"#.utf8) + Array(text.utf8) + [UInt8(ascii: "}")]
            #expect(throws: (any Error).self, "\(text)") { try line.withUnsafeBytes { try decoder.decode(EndpointLoad.self, from: $0) } }
        }
    }

    static let hostile = ["", "0", "-", "1e400", "-1e400", "00", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "true", "null",
                          "\"", "\\", "\\u12", "\u{0}", "\u{1F}", "é", "\u{FF}", "[", "]", "{", "}", ",", ":", "9223372036854775808",
                          "-9223372036854775809", "1e-400", String(repeating: "9", count: 80), "\"web/web-1\"", "[]", "{}", "\\u00zz", "\\q"]

    @Test func mutatedLinesAreNeverAcceptedWhereFoundationRefuses() async throws {
        try #require(!Self.demo.isEmpty)
        let edits = zip(Gen.int(in: 0...(Self.demo.count - 1)), Gen.int(in: 0...3000), Gen.int(in: 0...(Self.hostile.count - 1)), Gen.int(in: 0...2))
        await propertyCheck(count: 1000, input: edits) { which, spot, value, kind in
            var bytes = Array(Self.demo[which].utf8)
            let at = spot % (bytes.count + 1)
            // A lone 0xFF is never UTF-8: spliced in for the last pick.
            let token = value == Self.hostile.count - 1 ? [0xFF] : Array(Self.hostile[value].utf8)
            switch kind {
            case 0: bytes.insert(contentsOf: token, at: at)
            case 1: bytes.replaceSubrange(at..<min(bytes.count, at + max(1, token.count)), with: token)
            default: bytes.removeSubrange(at..<min(bytes.count, at + 1 + value))
            }
            let foundation = try? JSONDecoder().decode(MeshEvent.self, from: Data(bytes))
            var decoder = JSONLineDecoder()
            let fast = bytes.withUnsafeBytes { try? decoder.decode(MeshEvent.self, from: $0) }
            #expect(fast == nil || fast == foundation, "\(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }

    /// Numbers read without strtod (Clinger's fast path) come out as Foundation reads them:
    /// doubles as Swift prints them (up to 17 digits), and decimals of few digits with exponents.
    @Test func numbersReadAsFoundationReadsThem() async {
        let numbers = zip(Gen.int(in: 0...Int.max), Gen.int(in: 0...99_999), Gen.int(in: -30...30), Gen.int(in: 0...3))
        await propertyCheck(count: 3000, input: numbers) { bits, digits, exponent, form in
            let d = Double(bitPattern: UInt64(bits) >> UInt64(form * 3))
            let text = switch form {
            case 0: "\(d.isFinite ? d : 1.5)"
            case 1: "\(digits)e\(exponent)"
            case 2: "-\(digits / 100).\(digits % 100)E+\(abs(exponent))"
            default: "0.\(String(repeating: "0", count: abs(exponent)))\(digits)"
            }
            let line = "[\(text), \(text)]"
            let foundation = try? JSONDecoder().decode([Double].self, from: Data(line.utf8))
            var decoder = JSONLineDecoder()
            let fast = Array(line.utf8).withUnsafeBytes { try? decoder.decode([Double].self, from: $0) }
            #expect(fast == nil || fast.map { $0.map(\.bitPattern) } == foundation.map { $0.map(\.bitPattern) }, "\(text)")
        }
    }

    /// Lines as today's recorder writes them (service samples, status codes, balancer views,
    /// checks) are all taken by the fast decoder, not handed to Foundation, and read alike.
    @Test func everyLineTheSimulatorWritesIsReadFastAndAlike() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scenario = try Scenario.load(path: root.appendingPathComponent("demo/zone-outage.yaml").path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [String] = []
        let simulator = Simulator(scenario: scenario)
        simulator.onEvent = { lines.append(String(decoding: try! encoder.encode($0), as: UTF8.self)) }
        simulator.start()
        _ = simulator.advance(to: 45)
        let samples = lines.filter { $0.contains(#""type":"sample""#) }
        try #require(samples.count >= 40)
        #expect(samples.contains { $0.contains(#""codes":"#) } && samples.contains { $0.contains(#""services":"#) })
        for line in lines {
            let (foundation, fast) = Self.both(line)
            #expect(foundation != nil)
            #expect(fast == foundation, "\(line.prefix(160))")
        }
    }
}
