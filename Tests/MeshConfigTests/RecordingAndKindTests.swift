import Foundation
import Testing
@testable import MeshConfig
import MeshCore

@Suite struct RecordingAndKindTests {
    static let header = #"{"format":"mesh-top/recording","version":1,"source":"demo","started":"2026-01-02T03:04:05Z","mesh":{"name":"m","services":[]}}"#
    /// A complete event, as replay reads it.
    static func fault(_ t: Double) -> String { #"{"t":\#(t),"type":"fault","action":"crash","target":"web/web-1","detail":""}"# }

    @Test func goodRecording() throws {
        let text = Self.header + "\n" + Self.fault(0.5) + "\n" + #"{"t":2.25,"seq":2,"type":"sample","endpoints":[]}"# + "\n"
        let summary = try RecordingCheck.check(text: text, file: "r.jsonl")
        #expect(summary == .init(source: "demo", events: 2, lastTime: 2.25, cutOffLine: nil))
    }

    @Test func cutOffLastLineIsAWarningNotAnError() throws {
        let text = Self.header + "\n" + Self.fault(0.5) + "\n" + #"{"t":1,"ty"#
        let summary = try RecordingCheck.check(text: text, file: "r.jsonl")
        #expect(summary.events == 1 && summary.cutOffLine == 3)
    }

    @Test func badLinesNameTheLine() {
        func error(_ text: String) -> String? {
            do { _ = try RecordingCheck.check(text: text, file: "r.jsonl"); return nil } catch { return error.description }
        }
        #expect(error(Self.header + "\n{\"t\":\"x\",\"type\":\"fault\"}\n") == "r.jsonl:2: t: expected a number, found a string")
        #expect(error(Self.header + "\n{\"t\":1}\n") == "r.jsonl:2: type: missing")
        #expect(error(Self.header + "\nnot json\n{\"t\":1,\"type\":\"a\"}\n") == "r.jsonl:2: 'not' is not a JSON value")
        #expect(error("{\"format\":\"other\"}\n") == "r.jsonl:1: format: not a mesh-top recording (expected \"format\":\"mesh-top/recording\")")
        #expect(error(Self.header.replacingOccurrences(of: "\"version\":1", with: "\"version\":9") + "\n")
            == "r.jsonl:1: version: unsupported version 9 (this mesh-top reads version 1)")
        #expect(error("") == "r.jsonl:1: empty recording (expected a header line)")
    }

    @Test func kindIsToldFromContent() {
        #expect(FileKind.detect(path: "x.jsonl", text: "") == .recording)
        #expect(FileKind.detect(path: "x.log", text: Self.header) == .recording)
        #expect(FileKind.detect(path: "x.yaml", text: "name: a\nservices: []\n") == .scenario)
        #expect(FileKind.detect(path: "x.yaml", text: "services: []\ntimeline: []\n") == .scenario)
        #expect(FileKind.detect(path: "x.yaml", text: "admin: 127.0.0.1:9901\nservices: []\n") == .config)
        #expect(FileKind.detect(path: "x.yaml", text: "services: [\n") == .config)
    }

    @Test func hostPortForms() {
        #expect(HostPort("[::1]:8080") == HostPort(host: "::1", port: 8080))
        #expect(HostPort("[::1]:8080")?.description == "[::1]:8080")
        #expect(HostPort("example.com:443")?.isLoopback == false)
        #expect(HostPort("localhost:1")?.isLoopback == true)
        for bad in ["::1:80", "host", "host:", ":80", "host:0", "host:65536", "host:8o", "a b:80", "[::1]80"] {
            #expect(HostPort(bad) == nil, "\(bad)")
        }
        #expect(HostPort("0.0.0.0:80")!.collides(with: HostPort("127.0.0.1:80")!))
        #expect(!HostPort("127.0.0.1:80")!.collides(with: HostPort("127.0.0.2:80")!))
    }

    @Test func alertConditions() throws {
        #expect(try AlertCondition.parse("success_rate < 99%").get() == .threshold(.successRate, .less, 99))
        #expect(try AlertCondition.parse("p99>=250ms").get() == .threshold(.p99, .greaterOrEqual, 0.25))
        #expect(try AlertCondition.parse(" panic ").get() == .panic)
        #expect(AlertCondition.threshold(.p99, .greater, 0.5).description == "p99 > 500ms")
        #expect(AlertCondition.threshold(.successRate, .less, 99).holds(for: 98.5))
        #expect(AlertRule.Selector.endpoint("web/*").matches("web/w1"))
        #expect(!AlertRule.Selector.service("we*b").matches("web2"))
        #expect(AlertRule.Selector.service("*").matches("anything"))
    }
}
