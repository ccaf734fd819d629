/// "Did you mean" for unknown keys: the known key with the smallest edit distance, if close.
enum KeySuggestion {
    static func unknownKey(_ key: String, known: [String]) -> String {
        if let near = closest(to: key, in: known) { return "unknown key '\(key)' (did you mean '\(near)'?)" }
        return "unknown key '\(key)' (expected one of: \(known.joined(separator: ", ")))"
    }

    /// Close means at most a third of the word changed (at least 2 edits allowed), so that
    /// `balancr` finds `balancer` but `colour` does not find `zones`.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        let scored = candidates.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
