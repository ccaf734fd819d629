/// The query parameters every Consul read takes (`agent/http.go`, `parseWait`,
/// `parseConsistency`, `parseDC`): a blocking query's `index` and `wait`, and the
/// consistency mode, which only changes what the answer says of itself (mesh-top is always
/// its own leader, so every read is consistent).
struct ConsulQuery {
    var index: UInt64 = 0
    var wait: Double?
    var consistency = "leader"

    /// Parameters that do not change an answer, left out of the key its index is kept under.
    private static let neutral: Set = ["index", "wait", "hash", "token", "stale", "consistent", "max_stale", "leader", "cached", "dc", "near", "ns", "partition"]

    init(_ request: AdminRequest) throws(ConsulRegistration.Refusal) {
        typealias Refusal = ConsulRegistration.Refusal
        // An empty value is no value (`parseWait`: `query.Get("wait") != ""`).
        if let text = request.query["index"], !text.isEmpty {
            guard let n = UInt64(text) else { throw Refusal(message: "index: Invalid index (expected a whole number, got '\(text)')") }
            index = n
        }
        if let text = request.query["wait"], !text.isEmpty {
            guard let d = GoDuration.parse(text) else { throw Refusal(message: "wait: Invalid wait time ('\(text)' is not a duration like 30s or 5m)") }
            wait = d
        }
        var stale = request.query["stale"] != nil
        let consistent = request.query["consistent"] != nil
        if let text = request.query["max_stale"], !text.isEmpty {
            guard let d = GoDuration.parse(text) else { throw Refusal(message: "max_stale: Invalid max_stale value \"\(text)\"") }
            if d > 0 { stale = true }
        }
        if stale && consistent { throw Refusal(message: "stale and consistent: Cannot specify ?stale with ?consistent, conflicting semantics.") }
        if stale { consistency = "stale" } else if consistent { consistency = "consistent" }
        if let dc = request.query["dc"], !dc.isEmpty, dc != ConsulNode.datacenter {
            throw Refusal(message: "dc: mesh-top is the one datacenter, \(ConsulNode.datacenter); no path to '\(dc)'")
        }
    }

    /// What the answer's index is kept under: the route and the parameters that shape it.
    static func key(of request: AdminRequest) -> String {
        let shaping = request.queryItems.filter { !neutral.contains($0.name) }
            .map { "\($0.name)=\($0.value)" }.sorted().joined(separator: "&")
        return request.path.joined(separator: "/") + "?" + shaping
    }

    /// What a Consul read says of itself (`agent/http.go`, `setMeta`).
    func headers(index: UInt64) -> [(String, String)] {
        [("X-Consul-Index", String(index)), ("X-Consul-KnownLeader", "true"), ("X-Consul-LastContact", "0"),
         ("X-Consul-Effective-Consistency", consistency)]
    }
}
