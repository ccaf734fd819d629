import MeshConfig
import MeshCore
import NIOCore

/// The live mesh in a shared mesh (`--registry etcd://… --instance NAME`): what happens here
/// goes out to etcd as the engine's events say it happened, and what the other instances did
/// comes in between two steps of the control thread, as commands to the same engine.
extension LiveMesh {
    // MARK: Out

    /// Shares one of this instance's events: its registrations and deregistrations, the
    /// operator's words given here, and how it sees every endpoint. What came from etcd is not
    /// sent back (`sharing` is off while it is applied), except the views it leads to.
    func share(_ event: MeshEvent) {
        guard let shared else { return }
        switch event.body {
        case .registry(let change):
            let ref = EndpointRef(service: change.service, endpoint: change.endpoint.id)
            if change.action == .registered {
                if sharing, change.endpoint.registration != nil { shared.publish(service: change.service, endpoint: change.endpoint) }
                shared.view(ref, change.endpoint.state)
            } else if sharing, change.endpoint.registration != nil {
                shared.withdraw(ref)
            } else {
                shared.view(ref, nil)
            }
        case .operatorCommand(let command):
            if sharing { shared.say(command) }
        case .endpointState(let change):
            shared.view(change.endpoint, change.to)
        default:
            break
        }
    }

    // MARK: In

    /// What the other instances did, and etcd's news, since the last step.
    func applyShared(now: Double) {
        sharing = false
        defer { sharing = true }
        for change in inbox.takeShared() {
            switch change {
            case .registered(let service, let endpoint):
                mirror(service: service, endpoint: endpoint, now: now)
            case .deregistered(let ref, let reason):
                // Never one of our mesh.yaml's: the mirror keeps those in etcd instead. One we no
                // longer have (deregistered here meanwhile) is already gone: nothing to log.
                if let output = try? engine.deregister(ref, reason: reason, now: now) { carryOut(output) }
            case .word(let command):
                words[command.target, default: [:]][SharedWord.aspect(of: command.action)] = command
                carryOut(engine.adopt(command, now: now))
            case .unsaid(let ref):
                words[ref] = nil
            case .instance(let change):
                carryOut(engine.recordInstance(change, now: now))
            case .view(let view):
                carryOut(engine.recordView(view, now: now))
            case .notice(let text):
                carryOut(engine.recordFault(Fault(action: "registry", target: "etcd", detail: text), now: now))
            }
        }
    }

    /// Another instance's endpoint, on this data plane too. One whose address does not resolve
    /// here stays in the registry without a route, and says why.
    private func mirror(service: String, endpoint: Endpoint, now: Double) {
        let ref = EndpointRef(service: service, endpoint: endpoint.id)
        switch resolve(service: service, endpoint) {
        case .success(let resolved): joining[ref] = resolved
        case .failure(let why):
            carryOut(engine.recordFault(Fault(action: "registry", target: ref.description, detail: "not routed here: \(why)"), now: now))
        }
        carryOut(engine.mirror(service: service, endpoint: endpoint, now: now))
        joining.removeAll()
        adoptWords(on: ref)
    }

    /// The operator's last words on an endpoint that (re)appears here: a drain given while it
    /// was away still holds.
    func adoptWords(on ref: EndpointRef) {
        guard let said = words[ref] else { return }
        let wasSharing = sharing
        sharing = false
        defer { sharing = wasSharing }
        for aspect in [SharedKey.Aspect.weight, .hold] { if let command = said[aspect] { carryOut(engine.adopt(command, now: now)) } }
    }
}
