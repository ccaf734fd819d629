import Testing
@testable import MeshCore

@Suite struct OutlierDetectorTests {
    let policy = OutlierPolicy(consecutiveFailures: 3, baseEjection: 30, maxEjection: 100, maxEjectionPercent: 50)

    /// Fails `slot` until it is ejected (or `limit` failures), returning the ejection.
    func fail(_ d: inout OutlierDetector, slot: Int32, at now: Double, limit: Int = 3) -> Ejection? {
        for _ in 0..<limit {
            if let e = d.record(slot: slot, success: false, now: now) { return e }
        }
        return nil
    }

    @Test func ejectsAfterExactlyConsecutiveFailures() {
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        #expect(d.record(slot: 1, success: false, now: 1) == nil)
        #expect(d.record(slot: 1, success: false, now: 1) == nil)
        let e = d.record(slot: 1, success: false, now: 1)
        #expect(e == Ejection(slot: 1, count: 1, duration: 30, until: 31, failures: 3))
        #expect(d.isEjected(slot: 1) && d.ejectedCount == 1)
        #expect(d.ejectedUntil(slot: 1) == 31)
    }

    @Test func successResetsTheFailureRun() {
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        _ = d.record(slot: 0, success: false, now: 0)
        _ = d.record(slot: 0, success: false, now: 0)
        _ = d.record(slot: 0, success: true, now: 0)
        #expect(d.consecutiveFailures(slot: 0) == 0)
        #expect(d.record(slot: 0, success: false, now: 0) == nil)
        #expect(d.record(slot: 0, success: false, now: 0) == nil)
        #expect(!d.isEjected(slot: 0))
    }

    @Test func backOffGrowsByBaseAndIsCapped() {
        var d = OutlierDetector(policy: policy, endpointCount: 2)
        var now = 0.0
        var durations: [Double] = []
        for _ in 0..<5 {
            let e = fail(&d, slot: 0, at: now)
            durations.append(e?.duration ?? -1)
            now = e?.until ?? now
            #expect(d.expire(now: now) == [0])
        }
        #expect(durations == [30, 60, 90, 100, 100])
    }

    @Test func percentCapStopsASecondEjection() {
        var d = OutlierDetector(policy: policy, endpointCount: 2)
        // 50% of 2: one may go, not both.
        #expect(fail(&d, slot: 0, at: 0) != nil)
        #expect(fail(&d, slot: 1, at: 0, limit: 10) == nil)
        #expect(!d.isEjected(slot: 1))
        // Still failing when the first one comes back: ejected on its next failure.
        _ = d.expire(now: 30)
        #expect(d.record(slot: 1, success: false, now: 31)?.slot == 1)
    }

    @Test func loneEndpointIsNeverEjectedBelowHundredPercent() {
        var d = OutlierDetector(policy: policy, endpointCount: 1)
        #expect(fail(&d, slot: 0, at: 0, limit: 10) == nil)
        var all = OutlierDetector(policy: OutlierPolicy(consecutiveFailures: 3, maxEjectionPercent: 100), endpointCount: 1)
        #expect(fail(&all, slot: 0, at: 0) != nil)
    }

    @Test func unejectsOnTimeNotBefore() {
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        _ = fail(&d, slot: 2, at: 10)
        #expect(d.nextExpiry == 40)
        #expect(d.expire(now: 39.9).isEmpty)
        #expect(d.isEjected(slot: 2))
        var buffer: [Int32] = []
        d.expire(now: 40, into: &buffer)
        #expect(buffer == [2])
        #expect(!d.isEjected(slot: 2) && d.ejectedCount == 0 && d.nextExpiry == nil)
    }

    @Test func resultsWhileEjectedAreIgnored() {
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        _ = fail(&d, slot: 0, at: 0)
        for _ in 0..<5 { #expect(d.record(slot: 0, success: false, now: 1) == nil) }
        _ = d.expire(now: 30)
        #expect(d.consecutiveFailures(slot: 0) == 0)
    }

    @Test func ejectionCountDecaysOnePerBasePeriodInRotation() {
        var d = OutlierDetector(policy: policy, endpointCount: 2)
        _ = fail(&d, slot: 0, at: 0)          // n=1, back at 30
        _ = d.expire(now: 30)
        _ = fail(&d, slot: 0, at: 30)         // n=2, 60 s, back at 90
        _ = d.expire(now: 90)
        #expect(d.ejectionCount(slot: 0, now: 90) == 2)
        #expect(d.ejectionCount(slot: 0, now: 119) == 2)
        #expect(d.ejectionCount(slot: 0, now: 120) == 1)
        // One period of good behaviour: the next ejection is the second again, not the third.
        #expect(fail(&d, slot: 0, at: 125)?.duration == 60)
        _ = d.expire(now: 185)
        #expect(d.ejectionCount(slot: 0, now: 185 + 60) == 0)
    }

    @Test func membershipAndRestore() {
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        _ = fail(&d, slot: 3, at: 0)
        d.setEndpointCount(3)                 // slot 3 deregistered while ejected
        #expect(d.endpointCount == 3 && d.ejectedCount == 0)
        #expect(d.record(slot: 3, success: false, now: 0) == nil)
        d.add(slot: 5)
        #expect(d.endpointCount == 4)
        _ = fail(&d, slot: 5, at: 0)
        #expect(d.isEjected(slot: 5))
        d.reset(slot: 5)
        #expect(!d.isEjected(slot: 5) && d.ejectedCount == 0 && d.ejectionCount(slot: 5, now: 0) == 0)
        d.remove(slot: 5)
        #expect(d.endpointCount == 3)
    }

    /// Envoy stops growing the multiplier at the cap, so good behaviour brings an endpoint
    /// that failed many times back to the base ejection in a bounded time.
    @Test func multiplierStopsAtTheCap() {
        var d = OutlierDetector(policy: policy, endpointCount: 2)
        var now = 0.0
        for _ in 0..<20 {
            let e = fail(&d, slot: 0, at: now)!
            now = e.until
            _ = d.expire(now: now)
        }
        // base 30 s, cap 100 s: n stops at 4 (4 × 30 reaches the cap).
        #expect(d.ejectionCount(slot: 0, now: now) == 4)
        #expect(d.ejectionCount(slot: 0, now: now + 4 * 30) == 0)
        #expect(fail(&d, slot: 0, at: now + 4 * 30)?.duration == 30)
    }

    /// Over random runs of failures, successes and time: every ejection lasts base × n capped,
    /// where n is one more than the count the detector reports just before it (the `outlier:` rule and
    /// the decay rule above, checked together), and an ejection always ends on time.
    @Test(arguments: 0..<20 as Range<UInt64>)
    func backOffFollowsTheRuleOverRandomRuns(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var d = OutlierDetector(policy: policy, endpointCount: 4)
        var now = 0.0
        var until: [Int32: Double] = [:]
        for _ in 0..<2_000 {
            now += random.unit() * 5
            for slot in d.expire(now: now) {
                #expect(until[slot].map { $0 <= now } == true)
                until[slot] = nil
            }
            let slot = Int32(random.below(4))
            let before = d.ejectionCount(slot: slot, now: now)
            if let e = d.record(slot: slot, success: random.below(3) == 0, now: now) {
                #expect(e.count == min(before + 1, 4))
                #expect(e.duration == min(30 * Double(e.count), 100))
                until[slot] = e.until
            }
            #expect(d.ejectedCount <= 2)
        }
    }
}
