#if canImport(Glibc)
import Glibc
#endif
import MeshCore

/// `sample` lines read straight off the tape, without Codable's containers: they are nearly all
/// of a recording's bytes, and a container costs a generic-metadata lookup per object. Every
/// field is checked as the types' own `init(from:)` check it (`RecordedRange`, counts); anything
/// else (a key it does not know, a duplicate, an escaped string, a number out of range) declines,
/// and the line goes through `init(from:)` on the tape, then Foundation, as any other line.
extension JSONLineDecoder.TapeDecoder {
    typealias Unsupported = JSONLineDecoder.Unsupported

    /// The whole line as a `sample` event.
    func sampleEvent() throws -> MeshEvent {
        var t: Double?, seq: UInt64 = 0, isSample = false
        var endpoints: [LoadSample.Entry]?, services: [ServiceSample]?
        try fields(of: 0) { key, v in
            switch key {
            case "t": t = try number(v, in: RecordedRange.time)
            case "seq": seq = isNull(v) ? 0 : try unsigned(at: v)
            case "type": isSample = try string(at: v) == "sample"
            case "endpoints": endpoints = try array(v) { try entry($0) }
            case "services": services = isNull(v) ? nil : try array(v) { try service($0) }
            default: throw Unsupported()
            }
        }
        guard isSample, let t, let endpoints else { throw Unsupported() }
        return MeshEvent(seq: seq, t: t, body: .sample(LoadSample(endpoints: endpoints, services: services)))
    }

    private func entry(_ object: Int) throws -> LoadSample.Entry {
        var ref: EndpointRef?, rps: Double?, active: Int?, p50: Double?, p99: Double?, errors: Double?
        var load = EndpointLoad()
        try fields(of: object) { key, v in
            switch key {
            case "endpoint": ref = try endpointRef(v)
            case "rps": rps = try number(v, in: RecordedRange.rate)
            case "active": active = try integer(v, in: RecordedRange.active)
            case "p50": p50 = try number(v, in: RecordedRange.latency)
            case "p99": p99 = try number(v, in: RecordedRange.latency)
            case "errors": errors = try number(v, in: RecordedRange.rate)
            case "latency": load.latency = isNull(v) ? nil : try latencyWindow(v)
            case "balancer": load.balancer = isNull(v) ? nil : try balancerView(v)
            case "checks": load.checks = isNull(v) ? nil : try array(v) { try checkMark($0) }
            case "outlier": load.outlier = isNull(v) ? nil : try outlier(v)
            case "codes": load.codes = isNull(v) ? nil : try statusClasses(v)
            case "connections": load.connections = isNull(v) ? nil : try integer(v, in: RecordedRange.active)
            default: throw Unsupported()
            }
        }
        guard let ref, let rps, let active, let p50, let p99, let errors else { throw Unsupported() }
        load.rps = rps; load.active = active; load.p50 = p50; load.p99 = p99; load.errors = errors
        return LoadSample.Entry(endpoint: ref, load: load)
    }

    /// `SERVICE/ENDPOINT` split on its bytes; one with non-ASCII bytes (where a `/` could start
    /// a grapheme) by `EndpointRef.init?`, as Codable reads it.
    private func endpointRef(_ i: Int) throws -> EndpointRef? {
        let token = tape[i]
        guard token.kind == .string, !token.escaped else { throw Unsupported() }
        var slash = -1
        for k in Int(token.start)..<Int(token.end) {
            let byte = bytes[k]
            if byte >= 0x80 { return EndpointRef(try string(at: i)) }
            if byte == UInt8(ascii: "/") {
                guard slash < 0 else { return nil }
                slash = k
            }
        }
        guard slash > Int(token.start), slash < Int(token.end) - 1 else { return nil }
        return EndpointRef(service: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(token.start)..<slash]), as: UTF8.self),
                           endpoint: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(slash + 1)..<Int(token.end)]), as: UTF8.self))
    }

    private func latencyWindow(_ object: Int) throws -> LatencyWindow {
        var buckets: [UInt32]?, sum: Double?
        try fields(of: object) { key, v in
            switch key {
            case "buckets": buckets = try array(v) { try exactly(UInt32.self, $0) }
            case "sum": sum = try number(v, in: RecordedRange.latencySum)
            default: throw Unsupported()
            }
        }
        guard let buckets, buckets.count == LatencyWindow.bounds.count + 1, let sum else { throw Unsupported() }
        return LatencyWindow(buckets: buckets, sum: sum)
    }

    private func balancerView(_ object: Int) throws -> BalancerView {
        var weight: UInt32?, slowStart: Double?, share: Double?, active: Int?, latency: Double?, cost: Double?
        try fields(of: object) { key, v in
            switch key {
            case "weight": weight = try exactly(UInt32.self, v)
            case "slowStart": slowStart = isNull(v) ? nil : try number(v, in: 0...1)
            case "share": share = try number(v, in: 0...1)
            case "active": active = try integer(v, in: RecordedRange.active)
            case "latency": latency = isNull(v) ? nil : try number(v, in: RecordedRange.latency)
            case "cost": cost = isNull(v) ? nil : try number(v, in: RecordedRange.latencySum)
            default: throw Unsupported()
            }
        }
        guard let weight, let share, let active else { throw Unsupported() }
        return BalancerView(weight: weight, slowStart: slowStart, share: share, active: active, latency: latency, cost: cost)
    }

    private func checkMark(_ object: Int) throws -> CheckMark {
        var t: Double?, passed: Bool?, latency: Double?
        try fields(of: object) { key, v in
            switch key {
            case "t": t = try number(v, in: RecordedRange.time)
            case "passed": passed = try bool(at: v)
            case "latency": latency = try number(v, in: RecordedRange.latency)
            default: throw Unsupported()
            }
        }
        guard let t, let passed, let latency else { throw Unsupported() }
        return CheckMark(t: t, passed: passed, latency: latency)
    }

    private func outlier(_ object: Int) throws -> OutlierRecord {
        var failures: Int?, ejections: Int?, until: Double?
        try fields(of: object) { key, v in
            switch key {
            case "failures": failures = try integer(v, in: RecordedRange.active)
            case "ejections": ejections = try integer(v, in: RecordedRange.active)
            case "until": until = isNull(v) ? nil : try number(v, in: RecordedRange.time)
            default: throw Unsupported()
            }
        }
        guard let failures, let ejections else { throw Unsupported() }
        return OutlierRecord(failures: failures, ejections: ejections, until: until)
    }

    private func statusClasses(_ array: Int) throws -> StatusClasses {
        let counts = try self.array(array) { try unsigned(at: $0) }
        guard counts.count == 5 else { throw Unsupported() }
        return StatusClasses(counts)
    }

    private func service(_ object: Int) throws -> ServiceSample {
        var name: String?, rps: Double?, retries: Double?, errors: Double?, picks: [BalancerPick]?
        try fields(of: object) { key, v in
            switch key {
            case "service": name = try string(at: v)
            case "rps": rps = try number(v, in: RecordedRange.rate)
            case "retries": retries = try number(v, in: RecordedRange.rate)
            case "errors": errors = try number(v, in: RecordedRange.rate)
            case "picks": picks = isNull(v) ? nil : try array(v) { try pick($0) }
            default: throw Unsupported()
            }
        }
        guard let name, let rps, let retries, let errors else { throw Unsupported() }
        return ServiceSample(service: name, rps: rps, retries: retries, errors: errors, picks: picks)
    }

    private func pick(_ object: Int) throws -> BalancerPick {
        var candidates: [String]?, scores: [Double]?, picked: String?
        try fields(of: object) { key, v in
            switch key {
            case "candidates": candidates = try array(v) { try string(at: $0) }
            case "scores": scores = try array(v) { try number($0, in: RecordedRange.latencySum) }
            case "picked": picked = try string(at: v)
            default: throw Unsupported()
            }
        }
        guard let candidates, let scores, let picked, candidates.count <= 16, scores.count == candidates.count else { throw Unsupported() }
        return BalancerPick(candidates: candidates, scores: scores, picked: picked)
    }

    // MARK: Tape walking

    /// Each key and value index of the object at `object`, in order; a key seen twice declines
    /// (Foundation, not this, says what a duplicate means).
    private func fields(of object: Int, _ body: (StaticKey, Int) throws -> Void) throws {
        guard tape[object].kind == .object else { throw Unsupported() }
        var child = object + 1
        let end = Int(tape[object].next)
        while child < end {
            guard !tape[child].escaped else { throw Unsupported() }
            let name = key(at: child)
            var earlier = object + 1
            while earlier < child {
                guard key(at: earlier) != name else { throw Unsupported() }
                earlier = Int(tape[earlier + 1].next)
            }
            try body(name, child + 1)
            child = Int(tape[child + 1].next)
        }
    }

    private func array<E>(_ array: Int, _ element: (Int) throws -> E) throws -> [E] {
        guard tape[array].kind == .array else { throw Unsupported() }
        var result: [E] = []
        var child = array + 1
        let end = Int(tape[array].next)
        while child < end {
            result.append(try element(child))
            child = Int(tape[child].next)
        }
        return result
    }

    private func key(at i: Int) -> StaticKey {
        StaticKey(bytes: UnsafeRawBufferPointer(rebasing: bytes[Int(tape[i].start)..<Int(tape[i].end)]))
    }

    private func isNull(_ i: Int) -> Bool { tape[i].kind == .null }

    private func number(_ i: Int, in range: ClosedRange<Double>) throws -> Double {
        let value = try double(at: i)
        guard range.contains(value) else { throw Unsupported() }
        return value
    }

    private func integer(_ i: Int, in range: ClosedRange<Int>) throws -> Int {
        let value = Int(try integer(at: i))
        guard range.contains(value) else { throw Unsupported() }
        return value
    }

    private func exactly<I: FixedWidthInteger>(_ type: I.Type, _ i: Int) throws -> I {
        guard let value = I(exactly: try integer(at: i)) else { throw Unsupported() }
        return value
    }
}

/// A key's bytes, matched against the names above by `switch` without making a `String`.
struct StaticKey: Equatable, ExpressibleByStringLiteral {
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    init(stringLiteral value: StaticString) {
        bytes = UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount)
    }

    static func == (a: StaticKey, b: StaticKey) -> Bool {
        a.bytes.count == b.bytes.count && (a.bytes.count == 0 || memcmp(a.bytes.baseAddress!, b.bytes.baseAddress!, a.bytes.count) == 0)
    }
}
