/// One active check's outcome, for the engine (`healthCheck(service:slot:passed:now:)`) and the
/// dashboard's detail pane.
public struct HealthCheckResult: Sendable, Equatable {
    public var service: Int
    public var slot: Int32
    public var passed: Bool
    /// Why a check failed, in a few words: `refused`, `timeout`, `status 503`, `reset`, `closed`,
    /// `unresolvable`; nil when it passed.
    public var detail: String?
    /// Seconds from the start of the check to its result (includes the connect when there was one).
    public var latency: Double

    public init(service: Int, slot: Int32, passed: Bool, detail: String?, latency: Double) {
        self.service = service; self.slot = slot; self.passed = passed; self.detail = detail; self.latency = latency
    }
}
