import Testing
@testable import MeshCore

@Suite struct SlotTableTests {
    /// Registrations (new IDs and IDs again), removals and growth from empty, answered as a
    /// dictionary answers: probes cross runs of colliding homes, and a removal shifts the
    /// entries after it back without losing any of them.
    @Test func answersAsADictionaryWould() {
        var random = SeededRandom(seed: 7)
        var ids: [String] = []
        var live: [String: Int32] = [:]
        var table = SlotTable()
        for step in 1...3_000 {
            if live.isEmpty || random.below(3) > 0 {
                let id = "ep-\(random.below(400))"
                if let slot = live[id] {
                    table.set(slot, for: id) { ids[Int($0)] }
                } else {
                    let slot = Int32(ids.count)
                    ids.append(id)
                    table.set(slot, for: id) { ids[Int($0)] }
                    live[id] = slot
                }
            } else {
                let id = live.keys.sorted()[random.below(live.count)]
                table.remove(id) { ids[Int($0)] }
                live[id] = nil
            }
            guard step % 250 == 0 else { continue }
            for n in 0..<400 {
                let id = "ep-\(n)"
                #expect(table.slot(of: id) { ids[Int($0)] } == live[id], "step \(step): \(id)")
            }
            #expect(table.count == live.count)
        }
    }

    /// The engine finds endpoints by ID through it after registrations and deregistrations.
    @Test func theEngineLocatesEndpointsAfterChurn() throws {
        let mesh = MeshState(name: "t", services: [Service(name: "web", endpoints: (0..<50).map { Endpoint(id: "e\($0)") })])
        let engine = MeshEngine(mesh: mesh, policies: ["web": ServicePolicy()])
        _ = engine.start(now: 0)
        for n in stride(from: 0, to: 50, by: 3) { _ = try engine.deregister(EndpointRef(service: "web", endpoint: "e\(n)"), now: 1) }
        for n in 50..<80 { _ = engine.register(service: "web", endpoint: Endpoint(id: "e\(n)"), now: 2) }
        for n in 0..<80 {
            let ref = EndpointRef(service: "web", endpoint: "e\(n)")
            let gone = n < 50 && n % 3 == 0
            let located = engine.locate(ref)
            #expect((located == nil) == gone, "e\(n)")
            if let (s, slot) = located { #expect(engine.ref(service: s, slot: slot) == ref) }
        }
        #expect(engine.slots(ofService: 0).count == engine.state.services[0].endpoints.count)
    }
}
