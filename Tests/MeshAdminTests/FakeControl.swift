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

    /// The registry's commands are the engine's to judge: see `EngineControl`.
    func registry(_ command: RegistryCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        DispatchQueue.global().async { reply(.readOnly("FakeControl takes no registrations")) }
    }

    func set(_ update: (inout MeshState) -> Void) { lock.withLock { update(&state) } }
}
