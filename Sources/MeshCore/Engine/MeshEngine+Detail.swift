/// What the engine knows about an endpoint beyond its state, for the samples' detail (the
/// dashboard's detail pane shows it).
extension MeshEngine {
    /// Passive outlier detection's record of an endpoint; nil when its service has none.
    public func outlierRecord(service s: Int, slot: Int32, now: Double) -> OutlierRecord? {
        guard s >= 0, s < services.count, let detector = services[s].outlier else { return nil }
        return OutlierRecord(failures: detector.consecutiveFailures(slot: slot),
                             ejections: detector.ejectionCount(slot: slot, now: now),
                             until: detector.ejectedUntil(slot: slot))
    }
}
