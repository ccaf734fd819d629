import MeshCore

/// The scenario's timeline: faults in the simulated world, and operator actions on the engine.
extension Simulator {
    func perform(_ step: SimAction) {
        let targets = endpoints(of: step.target)
        var detail = ""
        switch step.kind {
        case .crash:
            for (s, slot) in targets { endpoints[s][Int(slot)].crashed = true }
        case .recover:
            for (s, slot) in targets { endpoints[s][Int(slot)].recover() }
        case .partition:
            for (s, slot) in targets { endpoints[s][Int(slot)].partitioned = true }
        case .latency(let add):
            for (s, slot) in targets { endpoints[s][Int(slot)].addedLatency = add }
            detail = "+\(MeshDuration.format(add))"
        case .errors(let rate):
            for (s, slot) in targets { endpoints[s][Int(slot)].addedErrorRate = rate }
            detail = "\(rate * 100)% errors"
        case .drain, .kill, .restore, .weight:
            engine.recordFault(Fault(action: step.kind.name, target: step.target.description, detail: "scenario"), now: now)
            for (s, slot) in targets {
                guard let ref = engine.ref(service: s, slot: slot) else { continue }
                var weight: Int?
                if case .weight(let w) = step.kind { weight = w }
                // An action that does not apply (draining what is drained) is a no-op in a scenario.
                try? operate(OperatorCommand(action: step.kind.operatorAction!, target: ref, by: "scenario", weight: weight))
            }
            return
        case .register(let endpoint, let simulated):
            guard case .service(let name) = step.target, let s = engine.serviceIndex(name) else { return }
            engine.register(service: name, endpoint: endpoint, now: now)
            let slot = engine.locate(EndpointRef(service: name, endpoint: endpoint.id))!.slot
            if Int(slot) < endpoints[s].count { endpoints[s][Int(slot)] = simulated } else { endpoints[s].append(simulated) }
            scheduleFirstCheck(service: s, slot: slot)
            engine.recordFault(Fault(action: "register", target: "\(name)/\(endpoint.id)", detail: "scenario"), now: now)
            return
        case .deregister:
            for (s, slot) in targets {
                if let ref = engine.ref(service: s, slot: slot) { try? engine.deregister(ref, now: now) }
            }
        }
        engine.recordFault(Fault(action: step.kind.name, target: step.target.description, detail: detail), now: now)
    }

    /// (service, slot) of every endpoint a target names, now.
    func endpoints(of target: SimAction.Target) -> [(Int, Int32)] {
        switch target {
        case .endpoint(let ref):
            return engine.locate(ref).map { [($0.service, $0.slot)] } ?? []
        case .service(let name):
            guard let s = engine.serviceIndex(name) else { return [] }
            return engine.slots(ofService: s).map { (s, $0) }
        case .zone(let zone):
            var found: [(Int, Int32)] = []
            for s in 0..<engine.serviceCount {
                for slot in engine.slots(ofService: s) where endpoints[s][Int(slot)].zone == zone { found.append((s, slot)) }
            }
            return found
        }
    }
}

extension SimAction.Kind {
    var name: String {
        switch self {
        case .crash: "crash"
        case .recover: "recover"
        case .partition: "partition"
        case .latency: "latency"
        case .errors: "errors"
        case .drain: "drain"
        case .kill: "kill"
        case .restore: "restore"
        case .weight: "weight"
        case .register: "register"
        case .deregister: "deregister"
        }
    }

    var operatorAction: OperatorAction? {
        switch self {
        case .drain: .drain
        case .kill: .kill
        case .restore: .restore
        case .weight: .weight
        default: nil
        }
    }
}
