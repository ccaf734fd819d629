public import Foundation
public import MeshCore

/// Drives a playback in mesh time under a pacer, on one thread, and publishes snapshots for the
/// dashboard. The dashboard never waits for the engine (it reads the last snapshot) and the
/// engine never waits for the dashboard (commands are queued).
public final class SessionRunner: @unchecked Sendable {
    public enum Command: Sendable {
        /// `reply` (on the driving thread): nil once applied, or why it was refused.
        case operate(OperatorCommand, reply: (@Sendable (OperatorError?) -> Void)? = nil)
        /// A registry change from the Consul-compatible API; `reply` as for `operate`.
        case registry(RegistryCommand, reply: (@Sendable (OperatorError?) -> Void)? = nil)
        case togglePause
        case speed(faster: Bool)
        case seek(by: Double)
        case stop
    }

    public struct Snapshot: Sendable {
        public var state: MeshState
        public var mode: String
        /// nil: max.
        public var speed: Double?
        public var paused: Bool
        public var finished: Bool
        /// The answer to the last command, for the footer.
        public var message: String?
        /// Counts messages, so that the same refusal twice shows twice.
        public var messageID = 0
    }

    // Touched only by the driving thread.
    private let playback: any Playback
    private var pacer: Pacer
    private let end: Double?
    private let stopAtEnd: Bool

    /// Called on the driving thread after each snapshot whose `seq` moved, with that `seq`: the
    /// admin API's blocking reads wait for it. Set before `run()`.
    public var onPublish: (@Sendable (UInt64) -> Void)?
    private var publishedSeq: UInt64?

    // Shared with the dashboard, under the lock.
    private let lock = NSLock()
    private let stopped = DispatchSemaphore(value: 0)
    private var commands: [Command] = []
    private var isOver = false
    private var latest: Snapshot

    /// `duration` overrides the playback's own end; `stopAtEnd` for headless runs.
    public init(playback: any Playback, speed: Double?, duration: Double? = nil, stopAtEnd: Bool) {
        self.playback = playback
        end = duration ?? playback.end
        self.stopAtEnd = stopAtEnd
        pacer = Pacer(speed: speed, mesh: playback.now, wall: SessionRunner.wallClock())
        latest = Snapshot(state: playback.state, mode: playback.mode, speed: speed, paused: false, finished: false, message: nil)
    }

    /// Queues a command; once the session is over, an operator command is refused at once.
    public func submit(_ command: Command) {
        let accepted = lock.withLock { () -> Bool in
            guard !isOver else { return false }
            commands.append(command)
            return true
        }
        if !accepted { Self.refuse(command) }
    }

    public func snapshot() -> Snapshot { lock.withLock { latest } }

    /// Blocks until `run()` has returned (after `.stop`, or at the end).
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// Runs until the end (when `stopAtEnd`) or until `.stop`.
    public func run() {
        defer {
            // Nobody waits forever for an answer: what is still queued is refused.
            let left = lock.withLock { () -> [Command] in
                isOver = true
                defer { commands.removeAll() }
                return commands
            }
            left.forEach(Self.refuse)
            stopped.signal()
        }
        var lastPublish = -1.0
        while true {
            var message: String?
            let pending = lock.withLock { () -> [Command] in defer { commands.removeAll() }; return commands }
            var replies: [() -> Void] = []
            for (i, command) in pending.enumerated() {
                if case .stop = command {
                    publish(message: message, answered: true)
                    replies.forEach { $0() }
                    // Left for the refusal on the way out.
                    lock.withLock { commands.insert(contentsOf: pending[(i + 1)...], at: 0) }
                    return
                }
                message = apply(command, replies: &replies) ?? message
            }
            // Answered only once what they did is in the published snapshot: a read that
            // follows an answer sees it.
            var answered = !pending.isEmpty
            if !replies.isEmpty {
                publish(message: message, answered: true)
                replies.forEach { $0() }
                answered = false
            }
            let target = min(pacer.meshTime(wall: SessionRunner.wallClock()), end ?? .infinity)
            // At max speed, advance in slices so commands and snapshots keep flowing.
            let slice = pacer.speed == nil ? min(target, playback.now + 1) : target
            if slice > playback.now { playback.advance(to: slice) }
            if pacer.speed == nil, !pacer.paused { pacer.anchor(mesh: playback.now, wall: SessionRunner.wallClock()) }
            let finished = end.map { playback.now >= $0 } ?? false
            let wall = SessionRunner.wallClock()
            if finished || answered || wall - lastPublish >= 0.05 || message != nil {
                publish(message: message, answered: answered, finished: finished)
                lastPublish = wall
            }
            if finished && stopAtEnd { return }
            if pacer.speed != nil || pacer.paused || finished { Thread.sleep(forTimeInterval: 0.01) }
        }
    }

    /// Applies a command; its answer goes into `replies`, to be given once published.
    private func apply(_ command: Command, replies: inout [() -> Void]) -> String? {
        let wall = SessionRunner.wallClock()
        switch command {
        case .operate(let c, let reply):
            let refusal = playback.operate(c)
            if let reply { replies.append { reply(refusal) } }
            // Who was refused: the dashboard also shows what the admin API was told.
            return refusal.map { c.by == "keyboard" ? $0.description : "\(c.by): \($0.description)" }
        case .registry(let c, let reply):
            let refusal = playback.registry(c)
            if let reply { replies.append { reply(refusal) } }
            // Registrations come from programs, not the operator: no footer message.
            return nil
        case .togglePause:
            pacer.setPaused(!pacer.paused, mesh: playback.now, wall: wall)
            return nil
        case .speed(let faster):
            pacer.step(faster: faster, mesh: playback.now, wall: wall)
            return nil
        case .seek(let delta):
            let target = max(0, min(playback.now + delta, end ?? .infinity))
            if let refusal = playback.seek(to: target) { return refusal }
            pacer.anchor(mesh: playback.now, wall: wall)
            return nil
        case .stop:
            return nil
        }
    }

    /// `answered`: commands were handled, so their message (or none) replaces the last one.
    private func publish(message: String?, answered: Bool, finished: Bool = false) {
        let state = playback.state
        lock.withLock {
            latest.state = state
            latest.speed = pacer.speed
            latest.paused = pacer.paused
            latest.finished = finished
            if answered {
                latest.message = message
                if message != nil { latest.messageID += 1 }
            }
        }
        if state.seq != publishedSeq {
            publishedSeq = state.seq
            onPublish?(state.seq)
        }
    }

    private static func refuse(_ command: Command) {
        switch command {
        case .operate(_, let reply), .registry(_, let reply): reply?(.readOnly("the session has ended"))
        default: break
        }
    }

    static func wallClock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
