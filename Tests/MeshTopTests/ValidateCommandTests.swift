import Foundation
import Testing

/// `mesh-top validate` as a user runs it: exit codes, one line on stderr, never a stack trace.
@Suite struct ValidateCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func validate(_ name: String) throws -> Executable.Result {
        try Executable("mesh-top").run(["validate", name], in: dir)
    }

    @Test func goodConfigExitsZeroWithSummary() throws {
        try write("mesh.yaml", """
        services:
          - name: web
            listen: 127.0.0.1:8080
            endpoints:
              - {id: web-1, address: 127.0.0.1:9001}
              - {id: web-2, address: 127.0.0.1:9002}
          - name: api
            listen: 127.0.0.1:8081
            endpoints:
              - {id: api-1, address: "[::1]:9101"}
        """)
        let r = try validate("mesh.yaml")
        #expect(r.status == 0)
        #expect(r.stdout == "ok: mesh.yaml: 2 services, 3 endpoints\n")
        #expect(r.stderr.isEmpty)
    }

    /// Slow start does not ramp hashing balancers (as in Envoy): validate says where, and passes.
    @Test func slowStartOnAHashingBalancerIsAWarning() throws {
        try write("mesh.yaml", """
        services:
          - name: web
            listen: 127.0.0.1:8080
            balancer: ring-hash
            slow_start: 10s
            endpoints:
              - {id: web-1, address: 127.0.0.1:9001}
          - name: api
            listen: 127.0.0.1:8081
            balancer: least-request
            slow_start: 10s
            endpoints:
              - {id: api-1, address: 127.0.0.1:9101}
        """)
        let r = try validate("mesh.yaml")
        #expect(r.status == 0)
        #expect(r.stdout == "ok: mesh.yaml: 2 services, 2 endpoints\n")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("warning: mesh.yaml:5: services[0].slow_start: ring-hash does not ramp") == true, "\(r.stderr)")
    }

    @Test func badConfigExitsOneWithOneLine() throws {
        try write("mesh.yaml", "services:\n  - name: web\n    balancer: fastest\n")
        let r = try validate("mesh.yaml")
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "mesh.yaml:3: services[0].balancer: unknown balancer 'fastest' (expected round-robin, weighted-round-robin, least-request, p2c-ewma, ring-hash, maglev, random)\n")
    }

    @Test func missingFileNamesTheFile() throws {
        let r = try validate("nope.yaml")
        #expect(r.status == 1)
        #expect(r.stderr == "nope.yaml: no such file\n")
    }

    @Test func scenarioIsRecognised() throws {
        try write("s.yaml", """
        name: Quiet
        services:
          - name: shop
            endpoints: [{id: s1}, {id: s2}]
        timeline:
          - {at: 5s, action: kill, target: shop/s1}
        """)
        let r = try validate("s.yaml")
        #expect(r.status == 0)
        #expect(r.stdout == "ok: s.yaml: scenario 'Quiet', 1 service, 2 endpoints, 1 timeline step\n")
    }

    @Test func cutOffRecordingWarnsButPasses() throws {
        let header = #"{"format":"mesh-top/recording","version":1,"source":"run","started":"2026-01-02T03:04:05Z","mesh":{"name":"m","services":[]}}"#
        let fault = #"{"t":1.5,"seq":1,"type":"fault","action":"crash","target":"web/web-1","detail":""}"#
        try write("r.jsonl", header + "\n" + fault + "\n" + #"{"t":2,"se"#)
        let r = try validate("r.jsonl")
        #expect(r.status == 0)
        #expect(r.stdout == "ok: r.jsonl: recording from run, 1 event over 1.5s\n")
        #expect(r.stderr.hasPrefix("warning: r.jsonl:3: last line is cut off"))
    }

    @Test func garbageNeverCrashes() throws {
        try write("bin.yaml", String(decoding: [0x7B, 0x7B, 0x3A, 0x5D, 0x09, 0x22], as: UTF8.self))
        let r = try validate("bin.yaml")
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.hasPrefix("bin.yaml:"))
    }
}
