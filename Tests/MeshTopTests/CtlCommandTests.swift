import Foundation
import MeshTestSupport
import Testing

/// `mesh-top ctl` against a real `mesh-top demo --admin`, as an operator would use them.
@Suite struct CtlCommandTests {
    /// A headless demo serving the admin API; its stdout (the events) goes to a file.
    final class RunningDemo {
        let process = Process()
        let port = Executable.freePort()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-demo-\(UUID().uuidString).jsonl")

        init(token: String? = nil) throws {
            process.executableURL = try Executable("mesh-top").url
            process.arguments = ["demo", "--headless", "--admin", "127.0.0.1:\(port)", "--duration", "120s"]
            var env = ProcessInfo.processInfo.environment
            env["MESH_TOP_TOKEN"] = token
            process.environment = env
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while !Executable.connects(port: port), Date() < deadline { usleep(50_000) }
        }

        /// SIGINT, as Ctrl-C: a headless session stops cleanly.
        func stop() -> Int32 {
            process.interrupt()
            process.waitUntilExit()
            return process.terminationStatus
        }

        var events: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        func ctl(_ arguments: [String]) throws -> Executable.Result {
            try Executable("mesh-top").run(["ctl", "--admin", "127.0.0.1:\(port)"] + arguments)
        }
    }

    @Test func statusActionsAndEventsOfARunningDemo() throws {
        let demo = try RunningDemo()
        defer { _ = demo.stop() }

        let status = try demo.ctl(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("ENDPOINT") && status.stdout.contains("checkout/checkout-a1"))

        let drain = try demo.ctl(["drain", "checkout/checkout-a2"])
        #expect(drain.status == 0, "\(drain.stderr)")
        #expect(drain.stdout == "drain checkout/checkout-a2: done\n")

        let again = try demo.ctl(["drain", "checkout/checkout-a2"])
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("mesh-top: cannot drain checkout/checkout-a2: it is"))

        let unknown = try demo.ctl(["kill", "checkout/nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "mesh-top: unknown endpoint checkout/nope\n")

        let heavy = try demo.ctl(["weight", "checkout/checkout-a1", "99999"])
        #expect(heavy.status == 1)
        #expect(heavy.stderr == "mesh-top: weight must be 0...10000, got 99999\n")
        #expect(try demo.ctl(["weight", "checkout/checkout-a1", "250"]).status == 0)

        let minus = try demo.ctl(["weight", "checkout/checkout-a1", "-5"])
        #expect(minus.status == 1)
        #expect(minus.stderr == "mesh-top: weight must be 0...10000, got -5\n")

        let events = try demo.ctl(["events", "--once"])
        #expect(events.status == 0)
        // Samples (one a second) only when asked for.
        #expect(!events.stdout.contains(#""type":"sample""#))
        // The first sample comes a second into the mesh: ask until it has.
        var samples = try demo.ctl(["events", "--once", "--type", "sample"])
        let deadline = Date().addingTimeInterval(20)
        while samples.stdout.isEmpty, Date() < deadline {
            usleep(200_000)
            samples = try demo.ctl(["events", "--once", "--type", "sample"])
        }
        #expect(samples.status == 0, "\(samples.stderr)")
        #expect(samples.stdout.split(separator: "\n").allSatisfy { $0.contains(#""type":"sample""#) })
        #expect(samples.stdout.contains(#""type":"sample""#))
        let bad = try demo.ctl(["events", "--once", "--type", "samples"])
        #expect(bad.status == 1 && bad.stderr.contains("unknown event type 'samples'"))
        let operatorLines = events.stdout.split(separator: "\n").filter { $0.contains(#""type":"operator""#) }
        #expect(operatorLines.count == 2)
        #expect(operatorLines.allSatisfy { $0.contains(#""by":"api""#) })

        // The session's own event stream has them too, and the demo stops cleanly on Ctrl-C.
        #expect(demo.stop() == 0)
        #expect(demo.events.contains(#""action":"drain","by":"api""#))
    }

    @Test func metricsHaveALatencyHistogramThatOnlyGrows() throws {
        let demo = try RunningDemo()
        defer { _ = demo.stop() }
        let series = #"mesh_endpoint_latency_seconds_count{service="checkout",endpoint="checkout-a1",zone="a"} "#
        func count() throws -> Double? {
            let answer = try RawClient.get(demo.port, "/metrics")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            return answer.body.split(separator: "\n").first { $0.hasPrefix(series) }.flatMap { Double($0.dropFirst(series.count)) }
        }
        var first = 0.0
        let deadline = Date().addingTimeInterval(15)
        while first == 0, Date() < deadline {
            first = try count() ?? 0
            if first == 0 { usleep(200_000) }
        }
        #expect(first > 0)
        usleep(1_500_000)
        #expect(try count() ?? 0 > first)
    }

    /// `status --explain`: each balancer's view of its endpoints, from the latest sample.
    @Test func statusExplainsWhatEachBalancerSees() throws {
        let demo = try RunningDemo()
        defer { _ = demo.stop() }
        var explained = ""
        let deadline = Date().addingTimeInterval(20)
        while !explained.contains("p2c-ewma"), Date() < deadline {
            explained = try demo.ctl(["status", "--explain"]).stdout
            if !explained.contains("p2c-ewma") { usleep(200_000) }
        }
        let rows = explained.split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix("ENDPOINT") && $0.contains("BALANCER") && $0.contains("EWMA") })
        let checkout = rows.filter { $0.hasPrefix("checkout/") && $0.contains("p2c-ewma") }
        #expect(!checkout.isEmpty, "\(explained)")
        #expect(checkout.allSatisfy { $0.contains("%") })
        #expect(rows.contains { $0.contains("least-request") } && rows.contains { $0.contains("round-robin") }, "\(explained)")
    }

    @Test func aTokenGuardsActionsNotReads() throws {
        let demo = try RunningDemo(token: "s3cret")
        defer { _ = demo.stop() }
        #expect(try demo.ctl(["status"]).status == 0)
        let refused = try demo.ctl(["kill", "checkout/checkout-b1"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("needs the admin token"))
        #expect(try demo.ctl(["--token", "s3cret", "kill", "checkout/checkout-b1"]).status == 0)
    }

    @Test func noMeshThereIsOneLine() throws {
        let result = try Executable("mesh-top").run(["ctl", "--admin", "127.0.0.1:1", "status"])
        #expect(result.status == 1)
        #expect(result.stderr == "mesh-top: cannot reach the admin API at 127.0.0.1:1 (is mesh-top running with it there?)\n")
    }

    /// `status` of a replay says it is one: recorded history, not a mesh to steer.
    @Test func statusOfAReplaySaysReplay() throws {
        let port = Executable.freePort()
        let process = Process()
        process.executableURL = try Executable("mesh-top").url
        process.arguments = ["replay", "demo/zone-outage.jsonl", "--headless", "--admin", "127.0.0.1:\(port)"]
        process.currentDirectoryURL = ScenarioStoryTests.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.interrupt(); process.waitUntilExit() }
        let deadline = Date().addingTimeInterval(20)
        while !Executable.connects(port: port), Date() < deadline { usleep(50_000) }
        let status = try Executable("mesh-top").run(["ctl", "--admin", "127.0.0.1:\(port)", "status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.split(separator: "\n").first?.contains("REPLAY") == true, "\(status.stdout)")
    }
}
