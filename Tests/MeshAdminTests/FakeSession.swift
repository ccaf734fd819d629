import Foundation
import MeshAdmin
import MeshCore
import NIOConcurrencyHelpers

/// A session stand-in for route tests: a small mesh, operator commands judged by the engine's
/// own rules (and, when they apply, leaving the endpoint where they put it), and a log of what
/// was asked.
final class FakeSession: SessionHandle {
    private struct Shared {
        var state: MeshState
        var commands: [OperatorCommand] = []

        mutating func set(_ ref: EndpointRef, _ change: (inout Endpoint) -> Void) {
            guard let s = state.services.firstIndex(where: { $0.name == ref.service }),
                  let e = state.services[s].endpoints.firstIndex(where: { $0.id == ref.endpoint }) else { return }
            change(&state.services[s].endpoints[e])
        }
    }

    private let shared = NIOLockedValueBox(Shared(state: MeshState(name: "t", services: [
        Service(name: "web", endpoints: [
            Endpoint(id: "web-1", zone: "a", state: .healthy),
            Endpoint(id: "web-2", zone: "b", state: .killed),
        ]),
    ])))

    var commands: [OperatorCommand] { shared.withLockedValue { $0.commands } }

    func snapshot() -> SessionSnapshot { SessionSnapshot(state: shared.withLockedValue { $0.state }, mode: .live, speed: 1) }

    func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)?) {
        let refusal: OperatorError?
        switch command {
        case .operate(let command):
            refusal = shared.withLockedValue { s in
                s.commands.append(command)
                guard let endpoint = s.state.endpoint(command.target) else { return .unknownEndpoint(command.target) }
                if let refusal = command.refusal(given: endpoint.state) { return refusal }
                s.set(command.target) { e in
                    switch command.action {
                    case .drain: e.state = .draining
                    case .kill: e.state = .killed
                    case .restore: e.state = .healthy
                    case .weight: e.weight = command.weight ?? e.weight
                    }
                }
                return nil
            }
        case .registry:
            // The registry's commands are the engine's to judge: see `EngineSession`.
            refusal = .readOnly("FakeSession takes no registrations")
        default:
            return
        }
        // Answers come from another thread in real sessions.
        DispatchQueue.global().async { reply?(refusal) }
    }

    func set(_ update: (inout MeshState) -> Void) { shared.withLockedValue { update(&$0.state) } }
}
