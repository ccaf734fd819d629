import MeshCore
import Testing
@testable import MeshTUI

/// The events pane's words for what Consul clients cause: check changes, maintenance drains
/// with their reason, deregistrations that nobody asked for.
@Suite struct EventDescriptionTests {
    let glyphs = Glyphs(ascii: true)
    let ref = EndpointRef(service: "api", endpoint: "api-1")

    func text(_ body: MeshEvent.Body) -> EventDescription { EventDescription(MeshEvent(seq: 1, t: 1, body: body), glyphs: glyphs) }

    @Test func checkChangesReadAsOneLine() {
        let warn = text(.check(CheckChange(endpoint: ref, check: "service:api-1", from: .passing, to: .warning, output: "disk\n91%")))
        #expect(warn.text == "api/api-1 check service:api-1 passing->warning: disk 91%")
        #expect(warn.role == .warn)
        let same = text(.check(CheckChange(endpoint: ref, check: "tcp", from: .critical, to: .critical, output: "TCP connect 127.0.0.1:1: refused")))
        #expect(same.text == "api/api-1 check tcp critical: TCP connect 127.0.0.1:1: refused")
        #expect(same.role == .bad)
    }

    @Test func maintenanceReasonsAndReapsAreShown() {
        let drain = text(.operatorCommand(OperatorCommand(action: .drain, target: ref, by: "consul", reason: "kernel upgrade")))
        #expect(drain.text == "drain api/api-1 by consul: kernel upgrade")
        let reaped = text(.registry(RegistryChange(action: .deregistered, service: "api", endpoint: Endpoint(id: "api-1"),
                                                   reason: "check beat critical for more than 60s (DeregisterCriticalServiceAfter)")))
        #expect(reaped.text == "deregistered api/api-1: check beat critical for more than 60s (DeregisterCriticalServiceAfter)")
        #expect(reaped.role == .warn)
    }
}
