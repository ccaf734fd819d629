/// Maps wall-clock time to mesh time under a speed and a pause: `--speed 1` is real time,
/// `--speed 10` ten times faster, `max` as fast as the CPU allows.
public struct Pacer: Sendable, Equatable {
    /// The speeds `<` and `>` step through.
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100]

    /// nil: as fast as possible.
    public private(set) var speed: Double?
    public private(set) var paused = false
    private var meshAnchor: Double
    private var wallAnchor: Double

    public init(speed: Double?, mesh: Double = 0, wall: Double) {
        self.speed = speed; meshAnchor = mesh; wallAnchor = wall
    }

    /// The mesh time a driver should have reached at wall time `wall`.
    public func meshTime(wall: Double) -> Double {
        guard !paused else { return meshAnchor }
        guard let speed else { return .infinity }
        return meshAnchor + (wall - wallAnchor) * speed
    }

    /// Re-anchors at the mesh time actually reached (at `max` speed that is wherever the driver got).
    public mutating func anchor(mesh: Double, wall: Double) {
        meshAnchor = mesh; wallAnchor = wall
    }

    public mutating func setPaused(_ paused: Bool, mesh: Double, wall: Double) {
        anchor(mesh: mesh, wall: wall)
        self.paused = paused
    }

    public mutating func setSpeed(_ speed: Double?, mesh: Double, wall: Double) {
        anchor(mesh: mesh, wall: wall)
        self.speed = speed
    }

    /// One step up or down `speeds`; from `max`, down to the fastest step.
    public mutating func step(faster: Bool, mesh: Double, wall: Double) {
        let steps = Pacer.speeds
        let next: Double?
        if let speed {
            if faster { next = steps.first { $0 > speed } ?? nil } else { next = steps.last { $0 < speed } ?? steps[0] }
        } else {
            next = faster ? nil : steps.last
        }
        setSpeed(next, mesh: mesh, wall: wall)
    }

    /// Numeric `--speed` values: a hundredth of real time to ten thousand times faster (past
    /// that, `max` is what is meant).
    public static let speedRange: ClosedRange<Double> = 0.01...10_000

    /// `--speed` values: a number in `speedRange` or `max`.
    public static func parse(_ text: String) -> Double?? {
        if text == "max" { return .some(nil) }
        guard let v = Double(text), speedRange.contains(v) else { return nil }
        return .some(v)
    }
}
