import Foundation

/// The JSON of etcd's v3 HTTP gateway: bytes are base64, 64-bit integers are strings
/// (proto3's JSON mapping; etcd's `api/etcdserverpb/rpc.proto` names the fields).
extension EtcdClient {
    struct LeaseGrant: Encodable { var TTL: Int64 }
    struct LeaseID: Encodable { var ID: Int64 }
    struct Put: Encodable { var key: String; var value: String; var lease: Int64? }
    struct Range: Encodable { var key: String; var range_end: String? }
    struct DeleteRange: Encodable { var key: String }
    struct Txn: Encodable {
        struct Compare: Encodable { var key: String; var target: String; var create_revision: String; var result: String }
        struct Request: Encodable {
            var request_put: Put? = nil
            var request_delete_range: DeleteRange? = nil
            var request_range: Range? = nil
        }
        var compare: [Compare]
        var success: [Request]
        var failure: [Request]
    }
    struct WatchCreate: Encodable {
        struct Request: Encodable {
            var key: String
            var range_end: String
            var start_revision: Int64
            var progress_notify: Bool
        }
        var create_request: Request
    }

    struct Header: Decodable, Sendable { var revision: String? }
    struct LeaseGranted: Decodable, Sendable { var ID: String?; var TTL: String?; var error: String? }
    struct KeepAliveAnswer: Decodable, Sendable {
        struct Result: Decodable, Sendable { var TTL: String? }
        var result: Result?
    }
    struct Empty: Decodable, Sendable { var header: Header? }
    struct Deleted: Decodable, Sendable { var deleted: String? }
    struct WireKV: Decodable, Sendable { var key: String?; var value: String?; var mod_revision: String?; var lease: String? }
    struct RangeAnswer: Decodable, Sendable { var header: Header?; var kvs: [WireKV]? }
    struct TxnAnswer: Decodable, Sendable {
        struct Response: Decodable, Sendable { var response_range: RangeAnswer? }
        var succeeded: Bool?
        var responses: [Response]?
    }
    struct WatchAnswer: Decodable, Sendable {
        struct Event: Decodable, Sendable { var type: String?; var kv: WireKV? }
        struct Result: Decodable, Sendable {
            var header: Header?
            var created: Bool?
            var events: [Event]?
            var canceled: Bool?
            var compact_revision: String?
            var cancel_reason: String?
        }
        var result: Result?
        var error: ErrorBody?
    }
    struct ErrorBody: Decodable, Sendable { var message: String?; var error: String? }

    static func request(_ operation: EtcdOperation) -> Txn.Request {
        switch operation {
        case .put(let key, let value, let lease):
            Txn.Request(request_put: Put(key: base64(key), value: base64(value), lease: lease))
        case .delete(let key):
            Txn.Request(request_delete_range: DeleteRange(key: base64(key)))
        }
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func bytes(_ base64: String?) -> [UInt8] { base64.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? [] }

    /// The first key after every key that starts with `prefix` (etcd's range_end for a prefix).
    static func prefixEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF { bytes[bytes.count - 1] = last + 1; return base64(bytes) }
            bytes.removeLast()
        }
        return base64([0])
    }

    static func pair(_ kv: WireKV) -> EtcdKeyValue {
        EtcdKeyValue(key: String(decoding: bytes(kv.key), as: UTF8.self), value: bytes(kv.value),
                     modRevision: kv.mod_revision.flatMap { Int64($0) } ?? 0, lease: kv.lease.flatMap { Int64($0) } ?? 0)
    }
}
