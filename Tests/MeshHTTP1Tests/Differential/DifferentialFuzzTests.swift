import Foundation
import MeshHTTP1
import Testing

/// The project's reader against an independent one, NIOHTTP1's (llhttp): on mutated and random
/// messages both must agree on accept or reject and on where each message ends. Where llhttp is
/// lenient and RFC 9112 strict, or the reverse, the difference is deliberate and listed in
/// `DeliberateDifference`. A short run here; `Scripts/fuzz-http1.sh` runs a long one.
@Suite struct DifferentialFuzzTests {
    /// `MESH_HTTP1_FUZZ_ITERATIONS` and `MESH_HTTP1_FUZZ_SEED` set a long run.
    static let iterations = ProcessInfo.processInfo.environment["MESH_HTTP1_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
    static let seed = ProcessInfo.processInfo.environment["MESH_HTTP1_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_260_101

    struct Disagreement: CustomStringConvertible {
        var kind: MessageKind
        var bytes: [UInt8]
        var ours: Verdict
        var rule: HTTP1Violation?
        var llhttp: Verdict

        var description: String {
            let text = String(decoding: bytes, as: UTF8.self).debugDescription
            return "\(kind) \(text): ours \(ours)\(rule.map { " (\($0))" } ?? ""), llhttp \(llhttp)"
        }
    }

    static func compare(_ kind: MessageKind, _ bytes: [UInt8]) -> Disagreement? {
        let (ours, rule) = OurReader.verdict(kind, bytes)
        let theirs = LLHTTPReader.verdict(kind, bytes)
        guard ours != theirs, DeliberateDifference.explaining(kind, bytes, ours: ours, rule: rule, llhttp: theirs) == nil else {
            return nil
        }
        return Disagreement(kind: kind, bytes: bytes, ours: ours, rule: rule, llhttp: theirs)
    }

    @Test func readersAgreeOnMutatedAndRandomMessages() {
        var fuzzer = MessageFuzzer(seed: Self.seed)
        var found: [Disagreement] = []
        for _ in 0..<Self.iterations {
            let (kind, bytes) = fuzzer.next()
            if let d = Self.compare(kind, bytes) { found.append(d) }
        }
        if !found.isEmpty {
            print("\(found.count) disagreements (seed \(Self.seed)); add them to KeptCases once explained:")
            for d in found.prefix(40) { print("  \(d)") }
        }
        #expect(found.isEmpty, "\(found.count) disagreements, first: \(found.first.map { "\($0)" } ?? "")")
    }

    @Test(arguments: KeptCases.all)
    func keptCase(_ kept: KeptCases.Case) {
        let d = Self.compare(kept.kind, Array(kept.text.utf8))
        #expect(d == nil, "\(d.map { "\($0)" } ?? "")")
    }
}
