import Foundation
import MeshAdmin
import MeshCore

/// A session stand-in around the real engine, on a clock the test moves: commands are applied
/// as the session runner applies them (published before they are answered, answers from
/// another thread), events go to the journal. Service `web` has web-1 (127.0.0.1:9001, zone a,
/// healthy) and web-2 (127.0.0.1:9002, zone b, unknown); `api` starts empty; `cache` (cache-1)
/// is not checked (`health: none`).
final class EngineControl: MeshControl, @unchecked Sendable {
    private let lock = NSLock()
    private let engine: MeshEngine
    let journal: EventJournal
    private(set) var now: Double = 0

    init(journal: EventJournal = EventJournal()) {
        self.journal = journal
        let mesh = MeshState(name: "t", source: "run", services: [
            Service(name: "web", endpoints: [
                Endpoint(id: "web-1", address: "127.0.0.1:9001", zone: "a", tags: ["blue", "v1"]),
                Endpoint(id: "web-2", address: "127.0.0.1:9002", zone: "b", tags: ["green"]),
            ]),
            Service(name: "api"),
            Service(name: "cache", endpoints: [Endpoint(id: "cache-1", address: "127.0.0.1:9003")]),
        ])
        engine = MeshEngine(mesh: mesh, policies: ["web": ServicePolicy(), "api": ServicePolicy(),
                                                   "cache": ServicePolicy(health: HealthPolicy(kind: .none))])
        deliver(engine.start(now: 0))
        deliver(engine.healthCheck(service: 0, slot: 0, passed: true, now: 0))
        publish()
    }

    func currentState() -> MeshState { lock.withLock { engine.state } }

    func operate(_ command: OperatorCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        let refusal = lock.withLock { OperatorError.refusal { () throws(OperatorError) in deliver(try engine.operate(command, now: now)) } }
        answer(refusal, reply)
    }

    func registry(_ command: RegistryCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        let refusal = lock.withLock { OperatorError.refusal { () throws(OperatorError) in deliver(try engine.apply(command, now: now)) } }
        answer(refusal, reply)
    }

    /// Mesh time passes: TTLs run out, critical instances are deregistered.
    func advance(to t: Double) {
        lock.withLock {
            now = t
            deliver(engine.tick(now: t))
        }
        publish()
    }

    /// One run of check `check` of `service/id` (a registration's HTTP or TCP check).
    func checkRun(_ service: String, _ id: String, check: Int, _ status: CheckStatus, output: String = "") {
        lock.withLock {
            guard let (s, slot) = engine.locate(EndpointRef(service: service, endpoint: id)) else { return }
            deliver(engine.checkResult(service: s, slot: slot, check: check, status: status, output: output, now: now))
        }
        publish()
    }

    func hostSet(of service: String) -> HostSet {
        lock.withLock { engine.serviceIndex(service).map(engine.hostSet(ofService:)) ?? .empty }
    }

    private func answer(_ refusal: OperatorError?, _ reply: @escaping @Sendable (OperatorError?) -> Void) {
        publish()
        DispatchQueue.global().async { reply(refusal) }
    }

    private func publish() { journal.published(seq: currentState().seq) }

    /// The engine's events go to the journal (its effects have no data plane to reach here).
    private func deliver(_ output: MeshEngine.Output) { output.events.forEach(journal.append) }
}
