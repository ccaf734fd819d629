import Foundation
import MeshAdmin
import MeshCore

/// A session stand-in for route tests: a fixed mesh, operator commands applied the way the
/// engine would refuse them, and a log of what was asked.
final class FakeControl: MeshControl, @unchecked Sendable {
    private let lock = NSLock()
    private var state: MeshState
    private(set) var commands: [OperatorCommand] = []

    init() {
        state = MeshState(name: "t", services: [
            Service(name: "web", endpoints: [
                Endpoint(id: "web-1", zone: "a", state: .healthy),
                Endpoint(id: "web-2", zone: "b", state: .killed),
            ]),
        ])
    }

    func currentState() -> MeshState { lock.withLock { state } }

    func operate(_ command: OperatorCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        let refusal: OperatorError? = lock.withLock {
            commands.append(command)
            guard let endpoint = state.endpoint(command.target) else { return .unknownEndpoint(command.target) }
            switch command.action {
            case .drain where endpoint.state == .killed: return .notApplicable(command.target, endpoint.state, "drain")
            case .weight where !Endpoint.weightRange.contains(command.weight ?? -1): return .badWeight(command.weight)
            default: return nil
            }
        }
        // Answers come from another thread in real sessions.
        DispatchQueue.global().async { reply(refusal) }
    }

    private(set) var registrations: [RegistryCommand] = []

    /// Registrations change the fake's state as the engine would (state `unknown`, or gone).
    func registry(_ command: RegistryCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        let refusal: OperatorError? = lock.withLock {
            registrations.append(command)
            switch command {
            case .register(let service, var endpoint, _):
                endpoint.state = .unknown
                if let s = state.services.firstIndex(where: { $0.name == service }) {
                    state.services[s].endpoints.removeAll { $0.id == endpoint.id }
                    state.services[s].endpoints.append(endpoint)
                } else {
                    state.services.append(Service(name: service, endpoints: [endpoint]))
                }
                state.seq += 1
                return nil
            case .deregister(let id), .report(let id, _):
                guard let s = state.services.firstIndex(where: { $0.endpoint(id) != nil }) else { return .unknownID(id) }
                if case .deregister = command { state.services[s].endpoints.removeAll { $0.id == id } }
                if case .report(_, let passed) = command, let e = state.services[s].endpoints.firstIndex(where: { $0.id == id }) {
                    state.services[s].endpoints[e].state = passed ? .healthy : .unhealthy
                }
                state.seq += 1
                return nil
            }
        }
        DispatchQueue.global().async { reply(refusal) }
    }

    func set(_ update: (inout MeshState) -> Void) { lock.withLock { update(&state) } }
}
