import MeshAdmin
import MeshCore
import MeshSession

/// The admin API's hold on a session: the runner's last snapshot, and operator commands queued
/// to it like the keyboard's (answered once the engine has applied or refused them).
final class SessionControl: MeshControl {
    private let runner: SessionRunner

    init(runner: SessionRunner) { self.runner = runner }

    func currentState() -> MeshState { runner.snapshot().state }

    var session: String { runner.snapshot().mode.lowercased() }

    func operate(_ command: OperatorCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        runner.submit(.operate(command, reply: reply))
    }

    func registry(_ command: RegistryCommand, reply: @escaping @Sendable (OperatorError?) -> Void) {
        runner.submit(.registry(command, reply: reply))
    }
}
