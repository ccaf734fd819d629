@testable import MeshCore

/// The engine under test, driven as the simulator and the live mesh drive it: every input's
/// output goes to a `Recorder` (a test actuator), so a test reads back the events, host sets and
/// effects an input produced.
final class TestEngine {
    let engine: MeshEngine
    let recorder: EngineTests.Recorder

    init(_ engine: MeshEngine, recorder: EngineTests.Recorder = EngineTests.Recorder()) {
        self.engine = engine
        self.recorder = recorder
    }

    var state: MeshState { engine.state }
    var alertRules: [AlertRule] {
        get { engine.alertRules }
        set { engine.alertRules = newValue }
    }

    func locate(_ ref: EndpointRef) -> (service: Int, slot: Int32)? { engine.locate(ref) }
    func hostSet(ofService s: Int) -> HostSet { engine.hostSet(ofService: s) }

    func start(now: Double) { recorder.carryOut(engine.start(now: now)) }
    func tick(now: Double) { recorder.carryOut(engine.tick(now: now)) }
    func healthCheck(service s: Int, slot: Int32, passed: Bool, now: Double) {
        recorder.carryOut(engine.healthCheck(service: s, slot: slot, passed: passed, now: now))
    }
    func checkResult(service s: Int, slot: Int32, check c: Int, status: CheckStatus, output: String, now: Double) {
        recorder.carryOut(engine.checkResult(service: s, slot: slot, check: c, status: status, output: output, now: now))
    }
    func requestFinished(service s: Int, slot: Int32, success: Bool, now: Double) {
        recorder.carryOut(engine.requestFinished(service: s, slot: slot, success: success, now: now))
    }
    func recordSample(_ entries: [LoadSample.Entry], now: Double) {
        recorder.carryOut(engine.recordSample(entries, now: now))
    }
    func operate(_ command: OperatorCommand, now: Double) throws(OperatorError) {
        recorder.carryOut(try engine.operate(command, now: now))
    }
    func apply(_ command: RegistryCommand, now: Double) throws(OperatorError) {
        recorder.carryOut(try engine.apply(command, now: now))
    }
    func register(service: String, endpoint: Endpoint, now: Double) {
        recorder.carryOut(engine.register(service: service, endpoint: endpoint, now: now))
    }
    func deregister(_ ref: EndpointRef, now: Double) throws(OperatorError) {
        recorder.carryOut(try engine.deregister(ref, now: now))
    }
}
