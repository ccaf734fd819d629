/// A change seen by a watch: a key written (with its new value) or deleted.
public enum EtcdEvent: Sendable, Equatable {
    case put(EtcdKeyValue)
    case delete(key: String, revision: Int64)
}
