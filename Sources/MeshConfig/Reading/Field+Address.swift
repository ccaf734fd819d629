import MeshCore

extension Field {
    /// A `host:port` address with a message saying what is wrong with it.
    func address() throws(ConfigError) -> HostPort {
        let s = try text()
        if let address = HostPort(s) { return address }
        let port = s.split(separator: ":").last.flatMap { Int($0) }
        if s.contains(":"), let port, !HostPort.ports.contains(port) {
            throw error("bad address '\(s)': port \(port) is outside \(HostPort.ports.lowerBound)...\(HostPort.ports.upperBound)")
        }
        throw error("bad address '\(s)' (expected host:port, or [::1]:port for IPv6)")
    }
}
