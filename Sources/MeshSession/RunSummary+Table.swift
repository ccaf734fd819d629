public import MeshCore

/// The table printed on stderr at the end of a headless run.
extension RunSummary {
    /// A fixed-width table: one row per endpoint, in the mesh's order; `width` gives the
    /// terminal columns a name takes (`CharacterWidth.of`: a Chinese character takes two).
    public func table(for state: MeshState, width: (String) -> Int = { $0.count }) -> String {
        func pad(_ s: String, _ n: Int) -> String { width(s) >= n ? s + " " : s + String(repeating: " ", count: n - width(s)) }
        var lines = [pad("ENDPOINT", 28) + pad("STATE", 10) + lpad("REQUESTS", 10) + lpad("ERRORS", 8)
                     + lpad("SUCCESS", 9) + lpad("CHANGES", 8)]
        for service in state.services {
            for endpoint in service.endpoints {
                let ref = EndpointRef(service: service.name, endpoint: endpoint.id)
                let row = rows[ref] ?? Row()
                // No requests: no success rate (100% would claim answers nobody got).
                let success = row.requests >= 0.5 ? format1(100 * (1 - row.errors / row.requests)) + "%" : "-"
                lines.append(pad(ref.description, 28) + pad(endpoint.state.rawValue, 10)
                             + lpad(String(Int(saturating: row.requests.rounded())), 10) + lpad(String(Int(saturating: row.errors.rounded())), 8)
                             + lpad(success, 9) + lpad(String(row.stateChanges), 8))
            }
        }
        lines.append("\(events) events, \(failovers) failovers, \(state.alerts.count) alerts firing, mesh time \(format1(state.time))s")
        return lines.joined(separator: "\n")
    }

    private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
    private func format1(_ v: Double) -> String { String((v * 10).rounded() / 10) }
}
