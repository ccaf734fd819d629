/// A recording line is one flat JSON object: `t`, `seq`, `type`, then the payload's own fields.
extension MeshEvent: Codable {
    private enum Keys: String, CodingKey { case t, seq, type, state }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let t = try c.decode(Double.self, forKey: .t, in: RecordedRange.time)
        let seq = try c.decodeIfPresent(UInt64.self, forKey: .seq) ?? 0
        let type = try c.decode(String.self, forKey: .type)
        let body: Body
        switch type {
        case "endpoint.state": body = .endpointState(try StateChange(from: decoder))
        case "operator": body = .operatorCommand(try OperatorCommand(from: decoder))
        case "failover": body = .failover(try Failover(from: decoder))
        case "panic": body = .panic(try PanicChange(from: decoder))
        case "registry": body = .registry(try RegistryChange(from: decoder))
        case "check": body = .check(try CheckChange(from: decoder))
        case "sample": body = .sample(try LoadSample(from: decoder))
        case "alert": body = .alert(try AlertChange(from: decoder))
        case "fault": body = .fault(try Fault(from: decoder))
        case "instance": body = .instance(try InstanceChange(from: decoder))
        case "view": body = .view(try ViewChange(from: decoder))
        case "node": body = .node(try NodeChange(from: decoder))
        case "keyframe": body = .keyframe(try c.decode(MeshState.self, forKey: .state))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type '\(type)'")
        }
        self.init(seq: seq, t: t, body: body)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(t, forKey: .t)
        try c.encode(seq, forKey: .seq)
        try c.encode(type, forKey: .type)
        switch body {
        case .endpointState(let p): try p.encode(to: encoder)
        case .operatorCommand(let p): try p.encode(to: encoder)
        case .failover(let p): try p.encode(to: encoder)
        case .panic(let p): try p.encode(to: encoder)
        case .registry(let p): try p.encode(to: encoder)
        case .check(let p): try p.encode(to: encoder)
        case .sample(let p): try p.encode(to: encoder)
        case .alert(let p): try p.encode(to: encoder)
        case .fault(let p): try p.encode(to: encoder)
        case .instance(let p): try p.encode(to: encoder)
        case .view(let p): try p.encode(to: encoder)
        case .node(let p): try p.encode(to: encoder)
        case .keyframe(let s): try c.encode(s, forKey: .state)
        }
    }
}
