@testable import MeshHTTP1
import Testing

/// The word-at-a-time scans find exactly what the byte-at-a-time grammar tests find, for every
/// byte value in every lane and at every distance from the end of the bytes.
@Suite struct WordScanTests {
    typealias Scan = @Sendable (UnsafeRawBufferPointer, Int, Int) -> Int

    static let scans: [(String, Scan, @Sendable (UInt8) -> Bool)] = [
        ("tokenEnd", { WordScan.tokenEnd($0, from: $1, end: $2) }, HTTP1Grammar.isTokenChar),
        ("fieldValueEnd", { WordScan.fieldValueEnd($0, from: $1, end: $2) }, HTTP1Grammar.isFieldValueChar),
        ("targetEnd", { WordScan.targetEnd($0, from: $1, end: $2) }, HTTP1Grammar.isTargetChar),
    ]

    /// The byte-at-a-time answer.
    static func reference(_ bytes: [UInt8], _ start: Int, _ end: Int, _ allowed: (UInt8) -> Bool) -> Int {
        var i = start
        while i < end, allowed(bytes[i]) { i += 1 }
        return i
    }

    static func scanned(_ bytes: [UInt8], _ start: Int, _ end: Int, _ scan: Scan) -> Int {
        bytes.withUnsafeBytes { scan($0, start, end) }
    }

    @Test(arguments: 0..<3)
    func everyByteInEveryLaneStopsWhereTheGrammarDoes(_ which: Int) {
        let (name, scan, allowed) = Self.scans[which]
        for filler in [UInt8(ascii: "a"), UInt8(ascii: "Z"), UInt8(ascii: "7"), UInt8(ascii: "-")] {
            for length in [8, 11, 16, 23] {
                for lane in 0..<length {
                    for value in 0...255 {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[lane] = UInt8(value)
                        let expected = Self.reference(bytes, 0, length, allowed)
                        let got = Self.scanned(bytes, 0, length, scan)
                        #expect(got == expected, "\(name): byte \(value) at \(lane) of \(length) after \(filler)")
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<3)
    func randomBytesFromAnyStartToAnyEnd(_ which: Int) {
        let (name, scan, allowed) = Self.scans[which]
        // Bytes at the edges of every class tested, and the rest of the 256.
        let edges: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x2C, 0x2D, 0x2F, 0x30, 0x39, 0x3A,
                              0x40, 0x41, 0x5A, 0x5B, 0x5E, 0x5F, 0x60, 0x61, 0x7A, 0x7B, 0x7C, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...40, using: &rng)
            let bytes = (0..<length).map { _ -> UInt8 in
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: UInt8.random(in: 0...255, using: &rng)
                case 1: edges.randomElement(using: &rng)!
                default: UInt8(ascii: "a") + UInt8.random(in: 0..<26, using: &rng)
                }
            }
            let end = Int.random(in: 0...length, using: &rng)
            let start = Int.random(in: 0...end, using: &rng)
            let expected = Self.reference(bytes, start, end, allowed)
            #expect(Self.scanned(bytes, start, end, scan) == expected, "\(name): \(bytes) from \(start) to \(end)")
        }
    }

    @Test func equalsLowerMatchesEveryCaseOfAWordAndNothingElse() {
        let words: [StaticString] = ["host", "upgrade", "connection", "keep-alive", "proxy-connection",
                                     "x-forwarded-client-cert", "content-length", "transfer-encoding", "chunked", "close"]
        var rng = SystemRandomNumberGenerator()
        for word in words {
            let lower = Array(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
            for _ in 0..<200 {
                // Any mix of cases, at any offset, matches.
                let cased = lower.map { $0 >= 0x61 && Bool.random(using: &rng) ? $0 - 0x20 : $0 }
                let pad = Int.random(in: 0...9, using: &rng)
                let bytes = [UInt8](repeating: 0x41, count: pad) + cased + [0x3A]
                #expect(bytes.withUnsafeBytes { HTTP1HeadParser.equalsLower($0, pad, word) }, "\(cased)")
                // One byte changed to any other value a name or value may hold does not.
                let lane = Int.random(in: 0..<cased.count, using: &rng)
                for value in UInt8(0x09)...0xFF where value != 0x0D && value != 0x0A {
                    guard HTTP1Grammar.lower(value) != lower[lane] else { continue }
                    var changed = bytes
                    changed[pad + lane] = value
                    #expect(!changed.withUnsafeBytes { HTTP1HeadParser.equalsLower($0, pad, word) },
                            "\(word) with \(value) at \(lane)")
                }
            }
        }
    }
}
