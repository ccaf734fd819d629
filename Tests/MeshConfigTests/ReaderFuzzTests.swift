import Foundation
import MeshCore
import MeshSim
import PropertyBased
import Testing
@testable import MeshConfig

/// Fuzzing the config and scenario readers with hostile edits of real files: whatever the input,
/// it is read and runs, or it is refused with one line naming the file; it never traps or hangs.
@Suite struct ReaderFuzzTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scenarios = ["zone-outage", "slow-endpoint", "rolling-deploy", "traffic-spike"].map {
        (try? String(contentsOf: repo.appendingPathComponent("demo/\($0).yaml"), encoding: .utf8)) ?? ""
    }
    static let config = (try? String(contentsOf: repo.appendingPathComponent("demo/mesh.yaml"), encoding: .utf8)) ?? ""

    /// One line naming the file: the shape every refusal has.
    static func isOneLine(_ error: any Error, file: String) -> Bool {
        guard let error = error as? ConfigError else { return false }
        return !error.description.contains("\n") && error.description.hasPrefix(file + ":")
    }

    @Test func scenariosAreReadAndRunOrRefusedInOneLine() async {
        #expect(Self.scenarios.allSatisfy { !$0.isEmpty })
        await propertyCheck(count: 150, input: Gen.int(in: 0...(Self.scenarios.count - 1)), Mutation.edits) { which, edits in
            let text = edits.reduce(Self.scenarios[which]) { $1.apply(to: $0) }
            let finished = finishes(within: 60, "scenario") {
                do {
                    let scenario = try Scenario.parse(yaml: text, file: "s.yaml")
                    Self.run(scenario)
                } catch {
                    #expect(Self.isOneLine(error, file: "s.yaml"), "\(error)")
                }
            }
            #expect(finished, "reading or running hung on:\n\(text)")
        }
    }

    @Test func configsAreReadOrRefusedInOneLine() async {
        await propertyCheck(count: 150, input: Mutation.edits) { edits in
            let text = edits.reduce(Self.config) { $1.apply(to: $0) }
            let finished = finishes(within: 60, "config") {
                do {
                    let config = try MeshConfig.parse(yaml: text, file: "mesh.yaml", environment: [:])
                    Self.exercise(config)
                } catch {
                    #expect(Self.isOneLine(error, file: "mesh.yaml"), "\(error)")
                }
            }
            #expect(finished, "reading hung on:\n\(text)")
        }
    }

    /// Found by the fuzz below (seed tp/0BXRe+zP5dTzzzTNnLhVnQmvKwWx4m3tX3JhOVqo=): a plain
    /// scalar spans lines, and the error that quoted it did too.
    @Test(arguments: ["(\n\n!", "a\n\nb\rc", "x\t\u{1}y"])
    func aValueQuotedInAnErrorStaysOnItsLine(text: String) {
        #expect(throws: ConfigError.self) { try MeshConfig.parse(yaml: text, file: "f.yaml", environment: [:]) }
        do { _ = try MeshConfig.parse(yaml: text, file: "f.yaml", environment: [:]) } catch {
            #expect(Self.isOneLine(error, file: "f.yaml"), "\(error)")
        }
        do { _ = try Scenario.parse(yaml: text, file: "f.yaml") } catch {
            #expect(Self.isOneLine(error, file: "f.yaml"), "\(error)")
        }
    }

    @Test func arbitraryBytesAreRefusedInOneLine() async {
        let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...400)
        await propertyCheck(count: 200, input: bytes) { raw in
            let text = String(decoding: raw, as: UTF8.self)
            let finished = finishes(within: 60, "bytes") {
                do { _ = try Scenario.parse(yaml: text, file: "f.yaml") } catch {
                    #expect(Self.isOneLine(error, file: "f.yaml"), "\(error)")
                }
                do { _ = try MeshConfig.parse(yaml: text, file: "f.yaml", environment: [:]) } catch {
                    #expect(Self.isOneLine(error, file: "f.yaml"), "\(error)")
                }
                _ = FileKind.detect(path: "f.yaml", text: text)
            }
            #expect(finished)
        }
    }

    /// A bounded slice of the scenario's simulation, a seek back and forward, its faults printed.
    static func run(_ scenario: Scenario) {
        let simulator = Simulator(scenario: scenario)
        simulator.start()
        simulator.advance(to: min(scenario.duration ?? 30, 30), maxEvents: 20_000)
        _ = scenario.timeline.map(\.fault.detail)
        _ = scenario.traffic.map { $0.rps(at: 12.5) }
    }

    /// The engine with the config's policies: checks fail and pass, requests fail, time runs.
    static func exercise(_ config: MeshConfig) {
        let policies = Dictionary(config.services.map { ($0.name, $0.policy) }, uniquingKeysWith: { a, _ in a })
        let engine = MeshEngine(mesh: MeshState(services: config.services.map(\.service)), policies: policies)
        // What the engine produced does not matter here, only that nothing it is fed traps.
        _ = engine.start(now: 0)
        for (s, service) in config.services.enumerated() {
            for slot in service.endpoints.indices.prefix(20) {
                for step in 0..<12 {
                    let now = Double(step) * 0.5
                    _ = engine.healthCheck(service: s, slot: Int32(slot), passed: step > 6, now: now)
                    _ = engine.requestFinished(service: s, slot: Int32(slot), success: step % 3 != 0, now: now)
                    _ = engine.tick(now: now)
                }
            }
        }
    }
}
