/// One write of a transaction (`EtcdClient.commit`): all of a commit's writes land in one revision.
public enum EtcdOperation: Sendable, Equatable {
    /// Writes `value` at `key`, under `lease` when given (the key goes when the lease does).
    case put(key: String, value: [UInt8], lease: Int64?)
    case delete(key: String)
}
