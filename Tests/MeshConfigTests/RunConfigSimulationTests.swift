import MeshCore
import Testing
@testable import MeshConfig

/// `demo mesh.yaml`: a run config's shape as a scenario.
@Suite struct RunConfigSimulationTests {
    let yaml = """
        admin: 127.0.0.1:9901
        services:
          - name: web
            listen: 127.0.0.1:8080
            balancer: ring-hash
            zones: [a, b]
            slow_start: 10s
            endpoints:
              - {id: web-1, address: 127.0.0.1:9001, zone: a, weight: 300}
              - {id: web-2, address: 127.0.0.1:9002, zone: a}
              - {id: web-3, address: 127.0.0.1:9003, zone: b, command: "sleep 100"}
          - name: api
            listen: 127.0.0.1:8081
            protocol: tcp
            health: {type: tcp, interval: 2s}
        alerts:
          - {name: slow, service: "*", when: "p99 > 100ms", for: 5s, severity: warning}
        """

    @Test func servicesEndpointsPoliciesAndAlertsCarryOver() throws {
        let config = try MeshConfig.parse(yaml: yaml, file: "mine.yaml")
        let scenario = Scenario(simulating: config, file: "conf/mine.yaml")
        #expect(scenario.name == "mine")
        #expect(scenario.services.map(\.name) == ["web", "api"])
        let web = try #require(scenario.service("web"))
        #expect(web.policy == config.service("web")?.policy)
        #expect(web.endpoints.map(\.id) == ["web-1", "web-2", "web-3"])
        #expect(web.endpoints.map(\.weight) == [300, 100, 100])
        #expect(web.endpoints.map(\.zone) == ["a", "a", "b"])
        #expect(web.endpoints.allSatisfy { $0.p50 == 0.020 && $0.p99 == 0.080 && $0.capacity == 500 })
        // Traffic on the preferred zone's capacity; none for a service fed by registrations.
        #expect(scenario.traffic.map(\.service) == ["web"])
        #expect(scenario.traffic.first?.rps == 400)
        #expect(scenario.alerts.map(\.name) == ["slow"])
        #expect(scenario.timeline.isEmpty && scenario.duration == nil)
    }

    @Test func theSimulationIsOverridable() throws {
        var simulation = Scenario.Simulation()
        simulation.p50 = 0.005; simulation.p99 = 0.05; simulation.capacity = 100; simulation.rps = 30
        let scenario = Scenario(simulating: try MeshConfig.parse(yaml: yaml), file: "mesh.yaml", simulation: simulation)
        let endpoint = try #require(scenario.service("web")?.endpoints.first)
        #expect(endpoint.p50 == 0.005 && endpoint.p99 == 0.05 && endpoint.capacity == 100)
        #expect(scenario.traffic.map(\.rps) == [30, 30])
    }
}
