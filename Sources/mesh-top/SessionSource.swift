import MeshCore
import MeshSession
import MeshTUI

/// The dashboard's view of a session runner: snapshots out, commands in.
final class SessionSource: DashboardSource, @unchecked Sendable {
    private let runner: SessionRunner
    private let settings: SessionLauncher.Settings

    init(runner: SessionRunner, settings: SessionLauncher.Settings) {
        self.runner = runner
        self.settings = settings
    }

    func snapshot() -> (MeshState, SessionStatus) {
        let s = runner.snapshot()
        var status = SessionStatus(mode: settings.mode, speed: s.speed ?? .infinity, paused: s.paused,
                                   source: settings.source, duration: settings.duration, finished: s.finished)
        status.message = s.message
        status.messageID = s.messageID
        return (s.state, status)
    }

    func perform(_ command: DashboardCommand) {
        switch command {
        case .operate(let action, let ref, let weight):
            runner.submit(.operate(OperatorCommand(action: action, target: ref, by: "keyboard", weight: weight)))
        case .togglePause: runner.submit(.togglePause)
        case .speed(let faster): runner.submit(.speed(faster: faster))
        case .seek(let seconds): runner.submit(.seek(by: seconds))
        case .quit: runner.submit(.stop)
        }
    }
}
