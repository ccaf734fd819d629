import Foundation
import PropertyBased

/// A hostile edit of a valid file, as a fuzzer makes them: a value replaced by one from the edge
/// of every range (huge, negative, NaN, overflowing durations, aliases, nesting), a line dropped
/// or doubled, or bytes spliced in. Picks are plain integers, so the library shrinks them.
struct Mutation: Sendable, CustomStringConvertible {
    var kind: Int
    var line: Int
    var spot: Int
    var value: Int

    static let hostile: [String] = [
        "1e20s", "1e308m", "-1s", "0s", "0", "-1", "1e400", "-1e400", ".nan", ".inf", "-.inf", "NaN",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "1e-320s", "0.0000001ms", "99999999999h", "", "~", "[]", "{}", "*nowhere", "&a [1, 2]", "'1s'",
        "\"\"", "1_000_000", "0x10", "1e6", "2e6", "100%", "101%", "-0", "1.5", String(repeating: "9", count: 400),
        "[[[[[[[[]]]]]]]]", "{a: {b: {c: []}}}", "!!binary AAAA", "null", "yes", "250ms", "1h", "10000", "10001",
        "\u{0}", "é", "web/web-1", "zone:a", "x: y: z",
    ]

    static let generator = zip(Gen.int(in: 0...6), Gen.int(in: 0...400), Gen.int(in: 0...20), Gen.int(in: 0...(hostile.count - 1)))
        .map { Mutation(kind: $0, line: $1, spot: $2, value: $3) }

    /// One to four edits at a time.
    static let edits = generator.array(of: 1...4)

    var description: String { "kind \(kind) line \(line) spot \(spot) value \(Mutation.hostile[value].debugDescription)" }

    func apply(to text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { return text }
        let i = line % lines.count
        // Mostly values: that is where the numbers are.
        switch kind {
        case 0...3: lines[i] = replaceValue(in: lines[i])
        case 4: lines.remove(at: i)
        case 5: lines.insert(lines[i], at: i)
        default:
            let at = lines[i].index(lines[i].startIndex, offsetBy: min(spot, lines[i].count))
            lines[i].insert(contentsOf: Mutation.hostile[value], at: at)
        }
        return lines.joined(separator: "\n")
    }

    /// The `spot`-th value after a `key:` on the line (flow mappings have several), replaced.
    private func replaceValue(in line: String) -> String {
        var starts: [String.Index] = []
        var i = line.startIndex
        while let colon = line[i...].range(of: ": ") {
            starts.append(colon.upperBound)
            i = colon.upperBound
        }
        guard !starts.isEmpty else { return line + " " + Mutation.hostile[value] }
        let start = starts[spot % starts.count]
        let end = line[start...].firstIndex { $0 == "," || $0 == "}" } ?? line.endIndex
        return line.replacingCharacters(in: start..<end, with: Mutation.hostile[value])
    }
}

/// Runs `body` on a thread of its own and fails the test if it has not returned by `seconds`:
/// a reader that hangs on some input is a failure, not a stuck suite.
func finishes(within seconds: Double, _ what: String, _ body: @escaping @Sendable () -> Void) -> Bool {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread { body(); done.signal() }
    thread.stackSize = 8 << 20
    thread.start()
    return done.wait(timeout: .now() + seconds) == .success
}
