/// Health: active check results, passive outlier detection, and their expiry.
extension MeshEngine {
    /// One active check result. Killed endpoints are not checked; drained ones are, quietly, so
    /// that a restore knows how they are.
    /// An endpoint judged by its registration's Consul checks takes the result as a run of each
    /// of its HTTP and TCP checks (a demo's simulated check stands in for them).
    public func healthCheck(service s: Int, slot: Int32, passed: Bool, now: Double) -> Output {
        guard var runtime = services[s].slots[Int(slot)], runtime.hold != .killed else { return finish() }
        guard services[s].checks[slot] == nil else {
            simulatedRun(service: s, slot: slot, passed: passed, now: now)
            return finish()
        }
        let before = runtime.health.status
        let verdict = runtime.health.record(passed: passed)
        services[s].slots[Int(slot)] = runtime
        guard verdict != nil else { return finish() }
        let policy = services[s].policy.health
        let reason = passed
            ? (before == .unhealthy && policy.healthyThreshold > 1 ? "\(policy.healthyThreshold) checks passed" : "check passed")
            : "\(policy.unhealthyThreshold) checks failed"
        refresh(s, slot, reason: reason, now: now)
        return finish()
    }

    /// One proxied (or simulated) request's outcome, for passive outlier detection. On the
    /// request path: nothing to say (the usual case) costs no allocation.
    public func requestFinished(service s: Int, slot: Int32, success: Bool, now: Double) -> Output {
        guard services[s].outlier != nil, !isHeld(s, slot),
              let ejection = services[s].outlier?.record(slot: slot, success: success, now: now) else { return Output() }
        services[s].slots[Int(slot)]?.ejectedUntil = ejection.until
        let seconds = MeshDuration.format(ejection.until - now)
        refresh(s, slot, reason: "\(ejection.failures) consecutive failures: ejected for \(seconds)", now: now)
        return finish()
    }

    /// Whether an operator holds the endpoint in `slot` (or it is gone), read in place: copying
    /// the slot's runtime out to look at its hold was most of `requestFinished`, which runs per
    /// request.
    @inline(__always)
    private func isHeld(_ s: Int, _ slot: Int32) -> Bool {
        services[s].slots.withUnsafeBufferPointer { slots in
            guard let base = slots.baseAddress, Int(slot) >= 0, Int(slot) < slots.count else { return true }
            return (base + Int(slot)).pointee?.isHeld ?? true
        }
    }

    func expireEjections(_ s: Int, now: Double) {
        guard services[s].outlier != nil else { return }
        for slot in services[s].outlier!.expire(now: now) {
            guard services[s].slots[Int(slot)]?.ejectedUntil != nil else { continue }
            services[s].slots[Int(slot)]?.ejectedUntil = nil
            refresh(s, slot, reason: "ejection ended", now: now)
        }
    }

    func expireDrains(_ s: Int, now: Double) {
        let timeout = services[s].policy.drainTimeout
        for slot in services[s].slots.indices {
            guard case .draining(let since)? = services[s].slots[slot]?.hold, now - since >= timeout else { continue }
            services[s].slots[slot]?.hold = .drained
            refresh(s, Int32(slot), reason: "drain timeout: remaining requests closed", now: now)
            if let target = target(s, Int32(slot)) { effect(.resetConnections(target)) }
        }
    }
}
