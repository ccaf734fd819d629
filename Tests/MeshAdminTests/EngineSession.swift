import Foundation
import MeshAdmin
import MeshCore
import NIOConcurrencyHelpers

/// A session stand-in around the real engine, on a clock the test moves: commands are applied
/// as the session runner applies them (published before they are answered, answers from
/// another thread), events go to the journal. Service `web` has web-1 (127.0.0.1:9001, zone a,
/// healthy) and web-2 (127.0.0.1:9002, zone b, unknown); `api` starts empty; `cache` (cache-1)
/// is not checked (`health: none`).
/// `@unchecked`: the engine is not `Sendable`, but it lives in the lock box and is touched only
/// under its lock, one thread at a time, as a session runner's thread alone would touch it.
final class EngineSession: SessionHandle, @unchecked Sendable {
    /// The engine and its clock, one thread at a time, as a session runner drives them.
    private struct Driven {
        let engine: MeshEngine
        var now: Double = 0
    }

    private let driven: NIOLockedValueBox<Driven>
    let journal: EventJournal

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
        let engine = MeshEngine(mesh: mesh, policies: ["web": ServicePolicy(), "api": ServicePolicy(),
                                                       "cache": ServicePolicy(health: HealthPolicy(kind: .none))])
        driven = NIOLockedValueBox(Driven(engine: engine))
        drive { engine, _ in
            engine.start(now: 0).events + engine.healthCheck(service: 0, slot: 0, passed: true, now: 0).events
        }
        publish()
    }

    func currentState() -> MeshState { driven.withLockedValue { $0.engine.state } }

    func snapshot() -> SessionSnapshot { SessionSnapshot(state: currentState(), mode: .live, speed: 1) }

    /// Commands are applied as the session runner applies them: published before they are
    /// answered, answers from another thread.
    func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)?) {
        var refusal: OperatorError?
        drive { engine, now in
            do throws(OperatorError) {
                switch command {
                case .operate(let c): return try engine.operate(c, now: now).events
                case .registry(let c): return try engine.apply(c, now: now).events
                default: return []
                }
            } catch {
                refusal = error
                return []
            }
        }
        publish()
        let answer = refusal
        DispatchQueue.global().async { reply?(answer) }
    }

    /// Mesh time passes: TTLs run out, critical instances are deregistered.
    func advance(to t: Double) {
        driven.withLockedValue { $0.now = t }
        drive { engine, now in engine.tick(now: now).events }
        publish()
    }

    /// One run of check `check` of `service/id` (a registration's HTTP or TCP check).
    func checkRun(_ service: String, _ id: String, check: Int, _ status: CheckStatus, output: String = "") {
        drive { engine, now in
            guard let (s, slot) = engine.locate(EndpointRef(service: service, endpoint: id)) else { return [] }
            return engine.checkResult(service: s, slot: slot, check: check, status: status, output: output, now: now).events
        }
        publish()
    }

    func hostSet(of service: String) -> HostSet {
        driven.withLockedValue { d in d.engine.serviceIndex(service).map(d.engine.hostSet(ofService:)) ?? .empty }
    }

    private func publish() { journal.published(seq: currentState().seq) }

    /// One input under the lock; its events go to the journal (its effects have no data plane
    /// to reach here).
    private func drive(_ input: (MeshEngine, Double) -> [MeshEvent]) {
        let events = driven.withLockedValue { d in input(d.engine, d.now) }
        events.forEach(journal.append)
    }
}
