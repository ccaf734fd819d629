import Foundation
import Testing
@testable import MeshConfig
import MeshCore

/// A recording's bad lines are said in our words, one line naming the file, the line and the
/// key, never Foundation's ("The given data was not valid JSON.", "Cannot initialize
/// EndpointState from invalid String value ..."); time going backwards is an error, events
/// about endpoints nothing declared a warning.
@Suite struct RecordingMessageTests {
    static let header = #"{"format":"mesh-top/recording","mesh":{"alerts":[],"instances":[],"log":[],"name":"one","seq":0,"services":[{"balancer":"round-robin","endpoints":[{"history":[],"id":"web-1","load":{"active":0,"errors":0,"p50":0,"p99":0,"rps":0},"metadata":{},"since":0,"state":"unknown","supervised":false,"tags":[],"weight":100,"zone":"a"}],"name":"web","panic":false,"zones":[]}],"source":"demo","summary":"","time":0},"source":"demo","started":"2026-12-01T05:28:42Z","version":1}"#

    static func state(_ t: String, to: String = "healthy", endpoint: String = "web/web-1", seq: String = "1") -> String {
        #"{"endpoint":"\#(endpoint)","from":"unknown","reason":"check passed","seq":\#(seq),"t":\#(t),"to":"\#(to)","type":"endpoint.state"}"#
    }

    static func sample(_ t: String, active: String = "0", rps: String = "1") -> String {
        #"{"endpoints":[{"active":\#(active),"endpoint":"web/web-1","errors":0,"p50":0.01,"p99":0.02,"rps":\#(rps)}],"seq":2,"t":\#(t),"type":"sample"}"#
    }

    func check(_ lines: String...) throws(ConfigError) -> RecordingCheck.Summary {
        try RecordingCheck.check(text: ([Self.header] + lines).joined(separator: "\n") + "\n", file: "r.jsonl")
    }

    func error(_ lines: String...) -> String? {
        do {
            _ = try RecordingCheck.check(text: ([Self.header] + lines).joined(separator: "\n") + "\n", file: "r.jsonl")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theHeaderAndEventsAreReadWhole() throws {
        let summary = try check(Self.state("0.5"), Self.sample("1"))
        #expect(summary.events == 2 && summary.warnings.isEmpty)
    }

    @Test func anUnknownStateNamesTheKeyAndTheStates() {
        #expect(error(Self.state("0.5", to: "zombie"))
            == "r.jsonl:2: to: unknown value 'zombie' (expected unknown, healthy, unhealthy, ejected, draining, drained, killed)")
    }

    /// Numbers Foundation refuses without a path, or refuses as not JSON at all.
    @Test(arguments: [
        (sample("1", rps: "1e400"), "endpoints[0].rps: 1e400 is out of range (a finite number up to ±1.8e308)"),
        (sample("1", rps: "1e309"), "endpoints[0].rps: 1e309 is out of range (a finite number up to ±1.8e308)"),
        (sample("1", rps: "NaN"), "endpoints[0].rps: 'NaN' is not a JSON value"),
        (sample("1", rps: "-Infinity"), "endpoints[0].rps: '-Infinity' is not a JSON value"),
        (sample("1", active: "99999999999999999999"),
         "endpoints[0].active: 99999999999999999999 is out of range (a whole number from -9223372036854775808 to 9223372036854775807)"),
        (sample("1", active: "1.5"), "endpoints[0].active: 1.5 is not a whole number"),
        (sample("1", active: "1e19"), "endpoints[0].active: 1e19 is out of range (a whole number from -9223372036854775808 to 9223372036854775807)"),
        (sample("1", active: "-5"), "endpoints[0].active: -5 is outside 0...1000000000"),
        (state("1", seq: "-1"), "seq: -1 is out of range (a whole number from 0 to 18446744073709551615)"),
        (state("1", seq: "18446744073709551616"), "seq: 18446744073709551616 is out of range (a whole number from 0 to 18446744073709551615)"),
        (state("1e400"), "t: 1e400 is out of range (a finite number up to ±1.8e308)"),
        (sample("1", rps: "\"fast\""), "endpoints[0].rps: expected a number, found a string"),
        (sample("1", rps: "1 2"), "endpoints[0]: expected ',' or '}', found '2'"),
    ] as [(String, String)])
    func numbersAtTheEdgeAreSaidInOurWords(line: String, message: String) {
        #expect(error(line) == "r.jsonl:2: \(message)")
    }

    @Test func minusZeroAndWholeNumbersWrittenAsFractionsRead() throws {
        #expect(try check(Self.state("-0"), Self.sample("1", active: "2.0")).events == 2)
    }

    /// Lines that are not JSON say what is wrong and where, in one line.
    @Test func brokenLinesSayWhatAndWhere() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(error(#"{"t":1,"type":"fault","detail":"#  + deep + "}") == "r.jsonl:2: detail" + String(repeating: "[0]", count: 510) + ": nested more than 512 levels deep")
        #expect(error("{\"t\":1,\"type\":\"fa\u{0}ult\"}") == "r.jsonl:2: type: a control character (0x0) inside a string")
        #expect(error(#"{"t":1 "type":"fault"}"#) == "r.jsonl:2: expected ',' or '}', found '\"'")
        #expect(error(#"{"t":1,"type":"fault"} x"#) == "r.jsonl:2: 'x' after the object's closing brace")
        #expect(error("[1,2]") == "r.jsonl:2: not a JSON object (each line is one {...})")
        #expect(error("not json", Self.state("1")) == "r.jsonl:2: 'not' is not a JSON value")
    }

    @Test func textThatIsNotUTF8IsSaid() {
        var bytes = Array((Self.header + "\n").utf8)
        bytes += Array(#"{"t":1,"type":"fault","action":"crash","target":"web/web-1","detail":"X"}"#.utf8)
        bytes[bytes.count - 3] = 0xFF
        bytes += [0x0A]
        let text = String(decoding: bytes, as: UTF8.self)
        // Through String the byte is U+FFFD already: the stream reader sees the raw byte.
        #expect(throws: Never.self) { try RecordingCheck.check(text: text, file: "r.jsonl") }
        var stream = RecordingStream(file: "r.jsonl")
        var message: String?
        do { try stream.take(bytes) { _, _, _ in }; _ = try stream.finish { _, _, _ in } } catch { message = error.description }
        #expect(message == "r.jsonl:2: detail: a string that is not UTF-8 text")
    }

    /// A byte-order mark before the header and CRLF line ends (a file saved on Windows) read.
    @Test func aByteOrderMarkAndCRLFRead() throws {
        let text = "\u{FEFF}" + ([Self.header, Self.state("0.5"), Self.sample("1")].joined(separator: "\r\n")) + "\r\n"
        let summary = try RecordingCheck.check(text: text, file: "r.jsonl")
        #expect(summary.events == 2)
    }

    @Test func timeGoingBackwardsIsAnError() {
        #expect(error(Self.state("5"), Self.sample("4.5"))
            == "r.jsonl:3: t: 4.5 goes back in time from 5.0 on line 2 (events are in time order)")
    }

    @Test func eventsAboutEndpointsNothingDeclaredAreAWarning() throws {
        let registered = #"{"action":"registered","endpoint":{"address":"127.0.0.1:2","history":[],"id":"web-2","load":{"active":0,"errors":0,"p50":0,"p99":0,"rps":0},"metadata":{},"since":0,"state":"unknown","supervised":false,"tags":[],"weight":100,"zone":"a"},"seq":3,"service":"web","t":2,"type":"registry"}"#
        let summary = try check(Self.state("1", endpoint: "web/ghost"), registered, Self.state("3", endpoint: "web/web-2"),
                                Self.state("4", endpoint: "api/x"))
        #expect(summary.events == 4)
        #expect(summary.warnings == ["warning: r.jsonl:2: endpoint.state for web/ghost, which no earlier line declares; "
                                     + "replay shows the event but changes no endpoint (and 1 more like it)"])
    }

    /// A header (or keyframe) whose events-pane log was made longer than the pane keeps: the
    /// log was never cut back, so it grew with every notable event replayed.
    @Test func aLogLongerThanThePaneKeepsIsCutToItsLength() throws {
        let faults = (0..<250).map { #"{"t":\#($0),"type":"fault","action":"crash","target":"web/web-1","detail":"\#($0)"}"# }
        let header = Self.header.replacingOccurrences(of: #""log":[]"#, with: #""log":["# + faults.joined(separator: ",") + "]")
        let read = try RecordingReader.header(Data(header.utf8), file: "r.jsonl")
        #expect(read.mesh.log.count == MeshState.logLength)
        #expect(read.mesh.log.last?.t == 249)
    }
}
