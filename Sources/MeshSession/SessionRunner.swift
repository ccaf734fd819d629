import Foundation
public import MeshCore
import NIOConcurrencyHelpers

/// Drives a playback in mesh time under a pacer, on one thread, and publishes snapshots through
/// its `handle`, the one thing the dashboard, the admin API and the executable hold. The
/// dashboard never waits for the engine (it reads the last snapshot) and the engine never waits
/// for the dashboard (commands are queued).
///
/// Not `Sendable`: only the driving thread (the one in `run()`) touches the playback and the
/// pacer; everything shared lives in the handle, behind its lock.
public final class SessionRunner {
    /// The session as other threads hold it: the latest snapshot, and a queue of commands.
    public final class Handle: SessionHandle, Sendable {
        struct Queued {
            var command: SessionCommand
            var reply: (@Sendable (OperatorError?) -> Void)?
        }

        struct Shared {
            var commands: [Queued] = []
            var isOver = false
            var latest: SessionSnapshot
        }

        let shared: NIOLockedValueBox<Shared>
        let stopped = DispatchSemaphore(value: 0)

        init(_ snapshot: SessionSnapshot) { shared = NIOLockedValueBox(Shared(latest: snapshot)) }

        public func snapshot() -> SessionSnapshot { shared.withLockedValue { $0.latest } }

        /// Queues a command; once the session is over, an input is refused at once.
        public func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)?) {
            let accepted = shared.withLockedValue { s -> Bool in
                guard !s.isOver else { return false }
                s.commands.append(Queued(command: command, reply: reply))
                return true
            }
            if !accepted { Self.refuse(Queued(command: command, reply: reply)) }
        }

        /// Blocks until `run()` has returned (after `.stop`, or at the end).
        public func waitUntilStopped() {
            stopped.wait()
            stopped.signal()
        }

        static func refuse(_ queued: Queued) {
            if queued.command.isInput { queued.reply?(.readOnly("the session has ended")) }
        }
    }

    public let handle: Handle
    private let playback: any Playback
    private var pacer: Pacer
    private let duration: Double?
    /// Where the session ends: `duration`, or the playback's end if sooner (which a replay
    /// brings forward when its file fails part way).
    private var end: Double? { [duration, playback.end].compactMap { $0 }.min() }
    /// The playback's stop reason, once shown.
    private var toldStop = false
    /// Events at the very start are applied once even when the pacer has not moved (a recording
    /// whose events are all at t = 0 played none of them).
    private var advancedOnce = false
    private let stopAtEnd: Bool
    /// Events per slice of `advance`, adapted so that a slice takes about `sliceSeconds`: the
    /// loop comes back to its commands (stop, pause, seek) that often whatever the playback asks.
    private var sliceEvents = 4096
    static let sliceSeconds = 0.02
    /// Where the last seek is headed while the playback is still getting there.
    private var seekTarget: Double?

    /// Called on the driving thread after each snapshot whose `seq` moved, with that `seq`: the
    /// admin API's blocking reads wait for it. Set before `run()`.
    public var onPublish: (@Sendable (UInt64) -> Void)?
    private var publishedSeq: UInt64?

    /// `duration` ends the session earlier than the playback's own end (never later: a replay
    /// ends with its recording); `stopAtEnd` for headless runs.
    public init(playback: any Playback, speed: Double?, duration: Double? = nil, stopAtEnd: Bool) {
        self.playback = playback
        self.duration = duration
        self.stopAtEnd = stopAtEnd
        pacer = Pacer(speed: speed, mesh: playback.now, wall: SessionRunner.wallClock())
        handle = Handle(SessionSnapshot(state: playback.state, mode: playback.mode, speed: speed,
                                        end: [duration, playback.end].compactMap { $0 }.min()))
    }

    /// The handle's, for the code that made the runner.
    public func submit(_ command: SessionCommand, reply: (@Sendable (OperatorError?) -> Void)? = nil) {
        handle.submit(command, reply: reply)
    }

    public func snapshot() -> SessionSnapshot { handle.snapshot() }

    public func waitUntilStopped() { handle.waitUntilStopped() }

    /// Runs on a thread of its own, which owns the runner from then on (8 MiB of stack, as
    /// deep scenarios need); the caller keeps to the handle (and `submit`, `snapshot`).
    @discardableResult
    public func start(name: String = "mesh-top session") -> Handle {
        // Handed over whole: after this, only the new thread drives the playback and the pacer.
        nonisolated(unsafe) let runner = self
        let thread = Thread { runner.run() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
        return handle
    }

    /// Runs until the end (when `stopAtEnd`) or until `.stop`, on the calling thread.
    public func run() {
        defer {
            // Nobody waits forever for an answer: what is still queued is refused.
            let left = handle.shared.withLockedValue { s -> [Handle.Queued] in
                s.isOver = true
                defer { s.commands.removeAll() }
                return s.commands
            }
            left.forEach(Handle.refuse)
            handle.stopped.signal()
        }
        var lastPublish = -1.0
        while true {
            var message: String?
            let pending = handle.shared.withLockedValue { s -> [Handle.Queued] in
                defer { s.commands.removeAll() }
                return s.commands
            }
            var replies: [() -> Void] = []
            // An input during a seek waits until the playback is there: it happens at the mesh
            // time the operator sees, not somewhere on the way.
            var waiting: [Handle.Queued] = []
            for (i, queued) in pending.enumerated() {
                if case .stop = queued.command {
                    publish(message: message, answered: true)
                    replies.forEach { $0() }
                    // Left for the refusal on the way out.
                    let left = waiting + pending[(i + 1)...]
                    handle.shared.withLockedValue { $0.commands.insert(contentsOf: left, at: 0) }
                    return
                }
                if seekTarget != nil, queued.command.isInput {
                    waiting.append(queued)
                    continue
                }
                message = apply(queued, replies: &replies) ?? message
            }
            if !waiting.isEmpty {
                let held = waiting
                handle.shared.withLockedValue { $0.commands.insert(contentsOf: held, at: 0) }
            }
            // Answered only once what they did is in the published snapshot: a read that
            // follows an answer sees it.
            var answered = pending.count > waiting.count
            if !replies.isEmpty {
                publish(message: message, answered: true)
                replies.forEach { $0() }
                answered = false
            }
            let target = min(pacer.meshTime(wall: SessionRunner.wallClock()), end ?? .infinity)
            // At max speed, advance in slices so commands and snapshots keep flowing.
            let slice = pacer.speed == nil ? min(target, playback.now + 1) : target
            if slice > playback.now || !advancedOnce {
                advance(to: slice)
                advancedOnce = true
            }
            if let seeking = seekTarget, playback.now >= seeking { seekTarget = nil }
            if pacer.speed == nil, !pacer.paused { pacer.anchor(mesh: playback.now, wall: SessionRunner.wallClock()) }
            let finished = end.map { playback.now >= $0 } ?? false
            if !toldStop, let why = playback.stopReason {
                // On screen at once, not only on stderr after quitting.
                toldStop = true
                message = why
                answered = true
            } else if toldStop, playback.stopReason == nil {
                // A seek back to a part that reads plays on; a second failure is said again.
                toldStop = false
            }
            let wall = SessionRunner.wallClock()
            if finished || answered || wall - lastPublish >= 0.05 || message != nil {
                publish(message: message, answered: answered, finished: finished)
                lastPublish = wall
            }
            if finished && stopAtEnd { return }
            // Caught up with the pacer (or paused, or done): wait a little; behind it, go on.
            let caughtUp = playback.now >= slice
            if (pacer.speed != nil && caughtUp) || pacer.paused || finished { Thread.sleep(forTimeInterval: 0.01) }
        }
    }

    /// Applies a command; its answer goes into `replies`, to be given once published.
    private func apply(_ queued: Handle.Queued, replies: inout [() -> Void]) -> String? {
        let wall = SessionRunner.wallClock()
        switch queued.command {
        case .operate(let c):
            let refusal = playback.operate(c)
            if let reply = queued.reply { replies.append { reply(refusal) } }
            // Who was refused: the dashboard also shows what the admin API was told.
            return refusal.map { c.by == OperatorCommand.keyboard ? $0.description : "\(c.by): \($0.description)" }
        case .registry(let c):
            let refusal = playback.registry(c)
            if let reply = queued.reply { replies.append { reply(refusal) } }
            // Registrations come from programs, not the operator: no footer message.
            return nil
        case .togglePause:
            pacer.setPaused(!pacer.paused, mesh: position, wall: wall)
            return nil
        case .speed(let faster):
            pacer.step(faster: faster, mesh: position, wall: wall)
            return nil
        case .seek(let delta):
            let target = max(0, min(position + delta, end ?? .infinity))
            if let refusal = playback.seek(to: target) { return refusal }
            // The playback may still be on its way there: the slices of `advance` take it.
            seekTarget = playback.now < target ? target : nil
            pacer.anchor(mesh: target, wall: wall)
            return nil
        case .stop:
            return nil
        }
    }

    /// Where the session is: where the last seek goes while the playback is still getting there.
    private var position: Double { seekTarget ?? playback.now }

    /// One slice, and the next slice's size from how long this one took.
    private func advance(to t: Double) {
        let started = SessionRunner.wallClock()
        playback.advance(to: t, maxEvents: sliceEvents)
        let took = SessionRunner.wallClock() - started
        if took > 2 * Self.sliceSeconds {
            sliceEvents = max(16, sliceEvents / 2)
        } else if took < Self.sliceSeconds / 2, playback.now < t {
            // Only a slice the budget cut short says the budget could be larger.
            sliceEvents = min(1 << 24, sliceEvents * 2)
        }
    }

    /// `answered`: commands were handled, so their message (or none) replaces the last one.
    private func publish(message: String?, answered: Bool, finished: Bool = false) {
        let state = playback.state
        let (speed, paused) = (pacer.speed, pacer.paused)
        handle.shared.withLockedValue { s in
            s.latest.state = state
            s.latest.speed = speed
            s.latest.paused = paused
            s.latest.finished = finished
            s.latest.end = end
            if answered {
                s.latest.message = message
                if message != nil { s.latest.messageID += 1 }
            }
        }
        if state.seq != publishedSeq {
            publishedSeq = state.seq
            onPublish?(state.seq)
        }
    }

    static func wallClock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
