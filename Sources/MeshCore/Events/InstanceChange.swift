/// `instance`: another mesh-top of a shared mesh (`run --registry etcd://…`) joined it, left it
/// (stopped and said goodbye), or was lost (its etcd lease ran out: it died, or lost etcd).
/// Each instance also records its own `joined`, so the list of instances is in the events.
public struct InstanceChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable, CaseIterable, RecordedName { case joined, left, lost }

    /// The instance's name (`--instance`).
    public var instance: String
    public var action: Action
    /// Its admin API address, when it said.
    public var admin: String?
    public var detail: String?

    public init(instance: String, action: Action, admin: String? = nil, detail: String? = nil) {
        self.instance = instance; self.action = action; self.admin = admin; self.detail = detail
    }
}
