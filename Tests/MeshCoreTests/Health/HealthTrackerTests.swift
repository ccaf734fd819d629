import Testing
@testable import MeshCore

@Suite struct HealthTrackerTests {
    let policy = HealthPolicy(healthyThreshold: 2, unhealthyThreshold: 3)

    @Test func firstPassMakesUnknownHealthyAtOnce() {
        var tracker = HealthTracker(policy: policy)
        #expect(tracker.status == .unknown)
        #expect(tracker.record(passed: true) == .healthy)
        #expect(tracker.status == .healthy)
        #expect(tracker.record(passed: true) == nil)
    }

    @Test func fallsAfterExactlyUnhealthyThresholdFailures() {
        var tracker = HealthTracker(policy: policy)
        _ = tracker.record(passed: true)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.status == .healthy)
        #expect(tracker.record(passed: false) == .unhealthy)
        #expect(tracker.status == .unhealthy)
        #expect(tracker.consecutiveFailures == 3)
        #expect(tracker.record(passed: false) == nil)
    }

    @Test func unknownFallsAfterThresholdFailuresToo() {
        var tracker = HealthTracker(policy: policy)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.status == .unknown)
        #expect(tracker.record(passed: false) == .unhealthy)
    }

    @Test func passBreaksAFailureRun() {
        var tracker = HealthTracker(policy: policy)
        _ = tracker.record(passed: true)
        _ = tracker.record(passed: false)
        _ = tracker.record(passed: false)
        _ = tracker.record(passed: true)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.record(passed: false) == nil)
        #expect(tracker.status == .healthy)
    }

    @Test func risesAfterExactlyHealthyThresholdPasses() {
        var tracker = HealthTracker(policy: HealthPolicy(healthyThreshold: 3, unhealthyThreshold: 1))
        #expect(tracker.record(passed: false) == .unhealthy)
        #expect(tracker.record(passed: true) == nil)
        #expect(tracker.record(passed: true) == nil)
        #expect(tracker.record(passed: false) == nil)
        // The run starts again after a failure.
        #expect(tracker.record(passed: true) == nil)
        #expect(tracker.record(passed: true) == nil)
        #expect(tracker.record(passed: true) == .healthy)
        #expect(tracker.consecutivePasses == 3)
    }

    @Test func resetReturnsToUnknownForRestore() {
        var tracker = HealthTracker(policy: policy)
        for _ in 0..<3 { _ = tracker.record(passed: false) }
        #expect(tracker.status == .unhealthy)
        tracker.reset()
        #expect(tracker.status == .unknown)
        #expect(tracker.consecutiveFailures == 0 && tracker.consecutivePasses == 0)
        // Restored endpoints are unknown again: one pass is enough.
        #expect(tracker.record(passed: true) == .healthy)
    }

    @Test func verdictsMapToEndpointStates() {
        #expect(HealthVerdict.healthy.endpointState == .healthy)
        #expect(HealthVerdict.unhealthy.endpointState == .unhealthy)
        #expect(HealthStatus.unknown.endpointState == .unknown)
    }
}
