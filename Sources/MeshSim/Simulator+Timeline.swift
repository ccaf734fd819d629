import MeshConfig
import MeshCore

/// The scenario's timeline: faults in the simulated world, and operator actions on the engine.
extension Simulator {
    func perform(_ step: TimelineStep) {
        let targets = endpoints(of: step.target)
        // Recorded first, so the events pane shows the cause before its effects.
        carryOut(engine.recordFault(step.fault, now: now))
        switch step.action {
        case .crash:
            for (s, slot) in targets { crash(service: s, slot: slot) }
        case .recover:
            for (s, slot) in targets { endpoints[s][Int(slot)].recover() }
        case .partition:
            for (s, slot) in targets { endpoints[s][Int(slot)].partitioned = true }
        case .latency(let add):
            for (s, slot) in targets { endpoints[s][Int(slot)].addedLatency = add }
        case .errors(let rate):
            for (s, slot) in targets { endpoints[s][Int(slot)].addedErrorRate = rate }
        case .drain, .kill, .restore, .weight:
            let action: OperatorAction
            var weight: Int?
            switch step.action {
            case .drain: action = .drain
            case .kill: action = .kill
            case .restore: action = .restore
            case .weight(let w): action = .weight; weight = w
            default: return
            }
            for (s, slot) in targets {
                guard let ref = engine.ref(service: s, slot: slot) else { continue }
                // An action that does not apply (draining what is drained) changes nothing.
                try? operate(OperatorCommand(action: action, target: ref, by: "scenario", weight: weight))
            }
        case .register(let config):
            guard case .service(let name) = step.target else { return }
            try? register(config, in: name)
        case .deregister:
            for (s, slot) in targets {
                if let ref = engine.ref(service: s, slot: slot), let output = try? engine.deregister(ref, now: now) { carryOut(output) }
            }
        }
    }

    /// (service, slot) of every endpoint a target names, now.
    func endpoints(of target: TimelineStep.Target) -> [(Int, Int32)] {
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
