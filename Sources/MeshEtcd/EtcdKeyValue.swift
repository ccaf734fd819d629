/// One key and its value as etcd holds it (keys are mesh-top's own paths, so text).
public struct EtcdKeyValue: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    /// Revision of the last change to this key.
    public var modRevision: Int64
    /// The lease the key lives under; 0 for none.
    public var lease: Int64

    public init(key: String, value: [UInt8], modRevision: Int64 = 0, lease: Int64 = 0) {
        self.key = key; self.value = value; self.modRevision = modRevision; self.lease = lease
    }
}
