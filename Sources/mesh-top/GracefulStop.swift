import MeshRun

/// The end of `run`, once `q` or a first SIGINT/SIGTERM stopped the session: the listeners stop
/// accepting and requests in flight are answered, for up to `drain_timeout` (HAProxy's
/// soft-stop, Envoy's drain). A second signal closes everything at once (HAProxy's hard-stop).
enum GracefulStop {
    static func drain(_ live: LiveMesh) {
        let stopNow = live.hardStop()
        let signals = SignalWatch { stopNow() }
        defer { signals.cancel() }
        let open = live.connectionsInFlight()
        if open > 0 {
            Stderr.line("mesh-top: finishing \(open) connection\(open == 1 ? "" : "s") in flight (up to drain_timeout); interrupt again to stop at once")
        }
        live.drain()
    }
}
