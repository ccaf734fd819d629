/// Passive outlier detection for one service (the `outlier:` block): real requests that fail
/// `consecutiveFailures` times in a row eject their endpoint for a while, as Envoy does.
///
/// Endpoints are addressed by their slot in the service. No clock of its own: every call that
/// depends on time takes `now` (mesh seconds). `record` is the per-request path: it only updates
/// fields in place and never allocates.
///
/// Rules, and the choices made where Envoy leaves room:
/// - A success resets the endpoint's run of failures. Results that arrive while it is ejected
///   (requests still in flight) are ignored, and the run starts from zero when it comes back.
/// - The n-th ejection lasts `baseEjection × n`, capped at `max(baseEjection, maxEjection)`
///   (mesh.yaml's `outlier:`: `base_ejection × n`, capped). n stops growing once `baseEjection × n` reaches the
///   cap, as Envoy's ejection multiplier does (`outlier_detection_impl.cc`, `ejectHost`), so
///   an endpoint that failed a hundred times is not punished for a hundred periods more.
/// - Cap: an ejection happens only if, with it, at most `maxEjectionPercent` of the service's
///   endpoints are ejected (modern Envoy without `always_eject_one_host`). With 50% and 2
///   endpoints one may be ejected; with 50% and 1 endpoint none: a lone endpoint is never taken
///   out by this rule. A blocked endpoint keeps its run of failures, so its next failure tries
///   again, e.g. as soon as another endpoint has come back.
/// - n decays: each full `baseEjection` spent in rotation since coming back takes one off n
///   (Envoy decrements the multiplier once per detection `interval` while the host is not
///   ejected; mesh-top has no outlier interval, so the base ejection time is the period). An
///   endpoint that behaves for `n × baseEjection` starts from `baseEjection` again.
public struct OutlierDetector: Sendable, Equatable {
    /// One per endpoint, so 32 bytes: counts in 32 bits (they stop at Int32.max), the flags
    /// after them.
    private struct Slot: Sendable, Equatable {
        var until = 0.0
        /// When the endpoint last came back, or last had n decremented.
        var decayFrom = 0.0
        private var failureCount: Int32 = 0
        private var ejectionCount: Int32 = 0
        var member = false
        var ejected = false

        init(member: Bool = false) { self.member = member }

        var failures: Int {
            get { Int(failureCount) }
            set { failureCount = Int32(clamping: newValue) }
        }

        /// Ejections so far, before decay since `decayFrom`.
        var ejections: Int {
            get { Int(ejectionCount) }
            set { ejectionCount = Int32(clamping: newValue) }
        }
    }

    public var policy: OutlierPolicy
    private var slots: [Slot] = []
    /// Endpoints the percent cap is taken over.
    public private(set) var endpointCount = 0
    /// Endpoints ejected now.
    public private(set) var ejectedCount = 0

    /// A detector with slots `0..<endpointCount` as members.
    public init(policy: OutlierPolicy, endpointCount: Int = 0) {
        self.policy = policy
        setEndpointCount(endpointCount)
    }

    // MARK: Membership

    /// Makes slots `0..<count` the members: slots past it are removed, new ones start fresh,
    /// existing ones keep their history.
    public mutating func setEndpointCount(_ count: Int) {
        let count = max(0, count)
        // Sized once: grown one by one, the slots would keep up to as many again in spare capacity.
        slots.reserveCapacity(count)
        for slot in count..<max(count, slots.count) where slots[slot].member { remove(slot: Int32(slot)) }
        for slot in 0..<count { add(slot: Int32(slot)) }
    }

    /// Adds an endpoint with a clean history; a slot already present is left as it is.
    public mutating func add(slot: Int32) {
        guard slot >= 0 else { return }
        let i = Int(slot)
        if i >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: i - slots.count + 1)) }
        guard !slots[i].member else { return }
        slots[i] = Slot(member: true)
        endpointCount += 1
    }

    /// Forgets an endpoint (deregistered). Its slot may later be reused by a new one.
    public mutating func remove(slot: Int32) {
        guard let i = index(slot) else { return }
        if slots[i].ejected { ejectedCount -= 1 }
        slots[i] = Slot()
        endpointCount -= 1
    }

    /// Clears an endpoint's ejection and history, for an operator `restore`: the endpoint is a
    /// new process and earns back-off again from the start.
    public mutating func reset(slot: Int32) {
        guard let i = index(slot) else { return }
        if slots[i].ejected { ejectedCount -= 1 }
        slots[i] = Slot(member: true)
    }

    // MARK: Results

    /// Takes the outcome of one real request; returns the ejection when this failure causes one.
    public mutating func record(slot: Int32, success: Bool, now: Double) -> Ejection? {
        guard let i = index(slot), !slots[i].ejected else { return nil }
        if success {
            slots[i].failures = 0
            return nil
        }
        slots[i].failures += 1
        guard slots[i].failures >= max(1, policy.consecutiveFailures), ejectionAllowed else { return nil }

        decay(i, now: now)
        let failures = slots[i].failures
        slots[i].ejections = min(slots[i].ejections + 1, maximumMultiplier)
        let n = slots[i].ejections
        let duration = min(policy.baseEjection * Double(n), max(policy.baseEjection, policy.maxEjection))
        slots[i].ejected = true
        slots[i].until = now + duration
        slots[i].failures = 0
        ejectedCount += 1
        return Ejection(slot: slot, count: n, duration: duration, until: now + duration, failures: failures)
    }

    /// Brings back every endpoint whose ejection has ended by `now`, appending their slots to
    /// `unejected` in slot order (the caller keeps and clears the buffer: no allocation).
    /// Decay counts from the ejection's end, not from `now`, so a late call changes nothing.
    public mutating func expire(now: Double, into unejected: inout [Int32]) {
        guard ejectedCount > 0 else { return }
        for i in slots.indices where slots[i].ejected && slots[i].until <= now {
            slots[i].ejected = false
            slots[i].failures = 0
            slots[i].decayFrom = slots[i].until
            ejectedCount -= 1
            unejected.append(Int32(i))
        }
    }

    /// `expire(now:into:)` returning a new array, for callers off the hot path.
    public mutating func expire(now: Double) -> [Int32] {
        var unejected: [Int32] = []
        expire(now: now, into: &unejected)
        return unejected
    }

    // MARK: Queries

    /// When the next ejection ends, for the engine's timer; nil when none is ejected.
    public var nextExpiry: Double? {
        guard ejectedCount > 0 else { return nil }
        var next = Double.infinity
        for s in slots where s.ejected { next = min(next, s.until) }
        return next
    }

    public func isEjected(slot: Int32) -> Bool {
        guard let i = index(slot) else { return false }
        return slots[i].ejected
    }

    /// When an ejected endpoint comes back; nil when it is not ejected.
    public func ejectedUntil(slot: Int32) -> Double? {
        guard let i = index(slot), slots[i].ejected else { return nil }
        return slots[i].until
    }

    /// Failures in a row the endpoint has now.
    public func consecutiveFailures(slot: Int32) -> Int {
        guard let i = index(slot) else { return 0 }
        return slots[i].failures
    }

    /// Its ejection count n at `now`, after decay: the next ejection is the (n + 1)-th.
    public func ejectionCount(slot: Int32, now: Double) -> Int {
        guard let i = index(slot) else { return 0 }
        var s = slots[i]
        Self.decay(&s, base: policy.baseEjection, now: now)
        return s.ejections
    }

    // MARK: Private

    private func index(_ slot: Int32) -> Int? {
        let i = Int(slot)
        return slot >= 0 && i < slots.count && slots[i].member ? i : nil
    }

    /// The n at which `baseEjection × n` reaches the cap.
    private var maximumMultiplier: Int {
        guard policy.baseEjection > 0 else { return 1 }
        return max(1, Int((policy.maxEjection / policy.baseEjection).rounded(.up)))
    }

    /// Whether one more ejection keeps the ejected share within `maxEjectionPercent`.
    private var ejectionAllowed: Bool {
        Double(ejectedCount + 1) * 100 <= policy.maxEjectionPercent * Double(endpointCount)
    }

    private mutating func decay(_ i: Int, now: Double) {
        Self.decay(&slots[i], base: policy.baseEjection, now: now)
    }

    private static func decay(_ s: inout Slot, base: Double, now: Double) {
        guard !s.ejected, s.ejections > 0, base > 0, now > s.decayFrom else { return }
        let periods = ((now - s.decayFrom) / base).rounded(.down)
        guard periods >= 1 else { return }
        if periods >= Double(s.ejections) {
            s.ejections = 0
            s.decayFrom = now
        } else {
            s.ejections -= Int(periods)
            s.decayFrom += periods * base
        }
    }
}
