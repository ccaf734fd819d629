import Foundation
@testable import MeshAdmin
import MeshCore
import Testing

@Suite struct AlertNotifierTests {
    @Test func alertmanagerBodiesNameTheSubjectAndEndResolvedAlerts() throws {
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        let firing = AlertChange(name: "flapping", severity: .warning, state: .firing, subject: "web/web-2", value: 5)
        var resolved = firing
        resolved.state = .resolved
        let body = AlertNotifier.alertmanagerBody([(firing, started), (resolved, started)])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
        #expect(list.count == 2)
        let labels = try #require(list[0]["labels"] as? [String: String])
        #expect(labels == ["alertname": "flapping", "severity": "warning", "subject": "web/web-2", "service": "web",
                           "endpoint": "web-2", "job": "mesh-top"])
        #expect((list[0]["startsAt"] as? String)?.hasPrefix("2027-01-15T08:00:00") == true)
        #expect(list[0]["endsAt"] == nil)
        #expect(list[1]["endsAt"] is String)
    }
}
