import ArgumentParser
import Foundation
import MeshAdmin
import MeshCore
import MeshTUI

/// `mesh-top ctl status`: the running mesh as a table, one row per endpoint.
struct CtlStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show services and endpoints with their state and load.")

    @OptionGroup var ctl: CtlOptions
    @Flag(help: "Print the API's JSON instead of the table.") var json = false
    @Flag(help: "Also show how each service's balancer sees its endpoints (share, weight, slow start, in flight, EWMA cost).")
    var explain = false

    func run() throws {
        try reportingErrors {
            let answer = try ctl.send("GET", "/v1/mesh")
            if json { return print(answer.text, terminator: "") }
            let state: MeshState
            do {
                state = try JSONDecoder().decode(MeshState.self, from: Data(answer.body))
            } catch {
                throw CommandError("the admin API sent a mesh this mesh-top cannot read: \(error)")
            }
            // The session's name is optional (an older mesh-top sends none).
            let session = (try? JSONDecoder().decode(Session.self, from: Data(answer.body)))?.session
            print(Self.table(state, session: session), terminator: "")
            if explain { print(Self.explanation(state), terminator: "") }
        }
    }

    /// One row per endpoint in its balancer's set, from the latest `sample`: the share it
    /// gets at equal load (or of the hash space), the weight the balancer uses (operator
    /// units, slow start included), the ramp, requests in flight and, for p2c-ewma, the
    /// peak-EWMA estimate and cost it compares.
    static func explanation(_ state: MeshState) -> String {
        let columns = ["ENDPOINT", "BALANCER", "SHARE", "EFF WT", "RAMP", "ACTIVE", "EWMA", "COST"]
        var rows: [[String]] = []
        for service in state.services {
            for e in service.endpoints {
                guard let view = e.load.balancer else { continue }
                let unmeasured = service.balancer == .p2cEWMA ? "unmeasured" : "-"
                rows.append(["\(service.name)/\(e.id)", service.balancer.rawValue, String(format: "%.1f%%", view.share * 100),
                             String(format: "%g", Double(view.weight) / TrafficPlanner.weightScale),
                             view.slowStart.map { String(format: "%.0f%%", $0 * 100) } ?? "-", String(view.active),
                             view.latency.map(Self.ms) ?? unmeasured, view.cost.map(Self.ms) ?? "-"])
            }
        }
        guard !rows.isEmpty else { return "no balancer view yet (it comes with the next sample)\n" }
        let widths = columns.indices.map { i in ([columns[i]] + rows.map { $0[i] }).map(CharacterWidth.of).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                cell.padded(to: widths[i], left: i < 2)
            }.joined(separator: "  ") + "\n"
        }
        return "\n" + line(columns) + rows.map(line).joined()
    }

    /// `/v1/mesh`'s `session`: live, demo or replay (absent from older mesh-tops).
    private struct Session: Decodable { var session: String? }

    /// `session`: a replay shows recorded history, and says so first.
    static func table(_ state: MeshState, session: String? = nil) -> String {
        let origin = session == "replay" ? "REPLAY of a \(state.source) recording (read-only)" : state.source
        var out = "\(state.name.isEmpty ? "mesh" : state.name) · \(origin) · mesh time \(MeshDuration.format(state.time))"
            + " · \(state.healthyCount)/\(state.endpointCount) healthy · seq \(state.seq)\n"
        for alert in state.alerts { out += "ALERT \(alert.severity.rawValue) \(alert.name) \(alert.subject)\n" }
        // A shared mesh: its instances, who owns each endpoint, and where the others see it otherwise.
        let shared = state.instance != nil
        if let me = state.instance {
            out += "instances: " + state.instances.map { $0.name == me ? "\($0.name) (here)" : $0.name }.joined(separator: ", ") + "\n"
        }
        var columns = ["ENDPOINT", "STATE", "ZONE", "WEIGHT", "RPS", "ACTIVE", "P50", "P99", "ERR/S"]
        if shared { columns += ["OWNER", "ELSEWHERE"] }
        var rows: [[String]] = []
        for service in state.services {
            for e in service.endpoints {
                var row = ["\(service.name)/\(e.id)", e.state.rawValue, e.zone.isEmpty ? "-" : e.zone, String(e.weight),
                           String(format: "%.1f", e.load.rps), String(e.load.active),
                           Self.ms(e.load.p50), Self.ms(e.load.p99), String(format: "%.2f", e.load.errors)]
                if shared {
                    let elsewhere = e.disagreements.map { "\($0.state.rawValue) from \($0.instance)" }
                    row += [e.owner ?? "-", elsewhere.isEmpty ? "-" : elsewhere.joined(separator: ", ")]
                }
                rows.append(row)
            }
        }
        let widths = columns.indices.map { i in ([columns[i]] + rows.map { $0[i] }).map(CharacterWidth.of).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                cell.padded(to: widths[i], left: i < 3 || i > 8)
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        out += line(columns)
        for row in rows { out += line(row) }
        for service in state.services {
            if let zone = service.failoverZone { out += "\(service.name): failed over to zone \(zone)\n" }
            if service.panic { out += "\(service.name): panic (every endpoint in use)\n" }
        }
        return out
    }

    private static func ms(_ seconds: Double) -> String {
        seconds < 0.001 && seconds > 0 ? String(format: "%.2fms", seconds * 1000) : String(format: "%.0fms", seconds * 1000)
    }
}

extension String {
    /// Padded with spaces to `width` terminal columns (a Chinese name takes two a character),
    /// on the right when `left`-aligned, else on the left.
    func padded(to width: Int, left: Bool) -> String {
        let room = String(repeating: " ", count: max(0, width - CharacterWidth.of(self)))
        return left ? self + room : room + self
    }

    /// Without the padding a last, left-aligned column leaves.
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
