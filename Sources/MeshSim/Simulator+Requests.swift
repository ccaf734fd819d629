import Foundation
import MeshCore

/// The request path: pick, queue, answer, and feed the outcome back.
extension Simulator {
    /// Time a refused connection takes to fail (a crashed process answers with a reset at once).
    static let refusedAfter = 0.001
    /// Envoy's default retry budget: retries may be at most 20% of the requests in flight (and
    /// at least 3), so that retries cannot turn an overload into a retry storm.
    static let retryBudget = 0.2
    static let minRetryConcurrency = 3

    /// Whether the retry budget allows one more retry on service `s`.
    func mayRetry(_ s: Int) -> Bool {
        retriesInFlight[s] < max(Self.minRetryConcurrency, Int(Double(inFlight[s]) * Self.retryBudget))
    }

    func route(service s: Int, retriesLeft: UInt8, avoiding avoided: Int32) {
        requestsSimulated += 1
        if avoided >= 0 { window[s].retries += 1 }
        guard var slot = balancers[s].pick(hash: random.next()) else {
            unroutable += 1
            window[s].errors += 1
            return
        }
        // Retries go to another endpoint when there is one (one more pick, as Envoy's retry host predicate).
        if slot == avoided, let other = balancers[s].pick(hash: random.next()) { slot = other }
        let i = Int(slot)
        guard endpoints[s][i].isUp else {
            // Connection refused (crashed) or never answered (partitioned): the request fails
            // before it is sent, so it is retried on another endpoint.
            let failedAfter = endpoints[s][i].crashed ? Self.refusedAfter : policies[s].connectTimeout
            endpoints[s][i].requests += 1
            endpoints[s][i].errors += 1
            endpoints[s][i].histogram.record(failedAfter)
            carryOut(engine.requestFinished(service: s, slot: slot, success: false, now: now))
            if retriesLeft > 0 && mayRetry(s) {
                route(service: s, retriesLeft: retriesLeft - 1, avoiding: slot)
            } else {
                window[s].errors += 1
            }
            return
        }
        balancers[s].requestStarted(slot: slot)
        inFlight[s] += 1
        // Fields, not a copy of the whole policy (its strings and arrays cost a retain each).
        if Int(retriesLeft) < policies[s].retries { retriesInFlight[s] += 1 }
        let answer = endpoints[s][i].serve(at: now, timeout: policies[s].requestTimeout, random: &random, normals: &normals)
        var done = SimEvent(time: now + answer.latency, order: 0, kind: .completion, service: Int32(s), slot: slot,
                            success: answer.success, value: now)
        done.retriesLeft = retriesLeft
        queue.schedule(done)
    }

    func complete(_ event: SimEvent) {
        let s = Int(event.service), slot = event.slot, i = Int(slot)
        let latency = now - event.value
        let success = endpoints[s][i].finish(latency: latency, success: event.success)
        inFlight[s] -= 1
        if Int(event.retriesLeft) < policies[s].retries { retriesInFlight[s] -= 1 }
        balancers[s].requestFinished(slot: slot, latency: latency, now: now)
        carryOut(engine.requestFinished(service: s, slot: slot, success: success, now: now))
        // Simulated requests are idempotent GETs: a failed answer is retried elsewhere.
        if !success && event.retriesLeft > 0 && mayRetry(s) {
            route(service: s, retriesLeft: event.retriesLeft - 1, avoiding: slot)
        } else if !success {
            window[s].errors += 1
        }
    }

    func scheduleFirstCheck(service s: Int, slot: Int32) {
        let interval = policies[s].health.interval
        guard policies[s].health.kind != .none, interval > 0 else { return }
        // Spread the first checks over an interval, as real checkers jitter them.
        queue.schedule(SimEvent(time: now + random.unit() * interval, order: 0, kind: .healthCheck,
                                service: Int32(s), slot: slot, success: true, value: 0))
    }

    func check(service s: Int, slot: Int32) {
        let i = Int(slot)
        // Deregistered endpoints are no longer checked.
        guard !endpoints[s][i].detached else { return }
        let health = policies[s].health
        var passed = endpoints[s][i].isUp
        // A crashed process refuses at once; a partitioned one never answers.
        var took = endpoints[s][i].crashed ? Self.refusedAfter : health.timeout
        if passed {
            let wait = max(endpoints[s][i].busyUntil, now) - now
            let answer = wait + endpoints[s][i].latency.sample(standardNormal: normals.next(&random)) + endpoints[s][i].addedLatency
            passed = answer <= health.timeout
            took = min(answer, health.timeout)
        }
        endpoints[s][i].checks.append(CheckMark(t: (now * 1e6).rounded() / 1e6, passed: passed, latency: (took * 1e6).rounded() / 1e6))
        carryOut(engine.healthCheck(service: s, slot: slot, passed: passed, now: now))
        queue.schedule(SimEvent(time: now + health.interval, order: 0, kind: .healthCheck,
                                service: Int32(s), slot: slot, success: true, value: 0))
    }

    /// The window's client-side numbers per service, then a fresh window.
    private func serviceSamples(window seconds: Double) -> [ServiceSample] {
        var out: [ServiceSample] = []
        for s in window.indices {
            var sample = window[s]
            sample.rps /= seconds; sample.retries /= seconds; sample.errors /= seconds
            let picks = balancers[s].recentPicks().compactMap { pick -> BalancerPick? in
                guard let a = engine.ref(service: s, slot: pick.candidates.0), let b = engine.ref(service: s, slot: pick.candidates.1),
                      let picked = engine.ref(service: s, slot: pick.picked) else { return nil }
                return BalancerPick(candidates: [a.endpoint, b.endpoint], scores: [pick.scores.0, pick.scores.1], picked: picked.endpoint)
            }
            sample.picks = picks.isEmpty ? nil : picks
            out.append(sample)
            window[s] = ServiceSample(service: window[s].service, rps: 0, retries: 0, errors: 0)
        }
        return out
    }

    func sample() {
        let window = sampleInterval
        var entries: [LoadSample.Entry] = []
        entries.reserveCapacity(engine.state.endpointCount)
        for (s, service) in engine.state.services.enumerated() where s < endpoints.count {
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                guard let slot = engine.locate(ref)?.slot else { continue }
                var load = endpoints[s][Int(slot)].takeLoad(window: window)
                load.balancer = balancers[s].view(slot: slot)
                load.outlier = engine.outlierRecord(service: s, slot: slot, now: now)
                entries.append(LoadSample.Entry(endpoint: ref, load: load))
            }
        }
        carryOut(engine.recordSample(entries, services: serviceSamples(window: window), now: now))
    }
}
