/// Finds bracketed pastes in the key stream: xterm's mode 2004 wraps pasted text in
/// `ESC [200~` ... `ESC [201~`, which curses hands over as single characters. What lies between
/// becomes one `.paste`, so pasted text is never run as keys (lazygit#3151, fixed there the same
/// way in lazygit#4234; vim and emacs do likewise). Pure, so the decoding is a unit test.
struct PasteDecoder {
    private static let start: [Key] = [.escape, .char("["), .char("2"), .char("0"), .char("0"), .char("~")]
    private static let end: [Key] = [.escape, .char("["), .char("2"), .char("0"), .char("1"), .char("~")]
    /// A paste longer than this is cut: the filter prompt has no use for megabytes.
    static let limit = 4096

    /// Keys that may begin a start marker, held until it is clear whether they do.
    private var held: [Key] = []
    /// Inside a paste: its text so far, and how much of the end marker has been seen.
    private var pasted: String?
    private var endMatched = 0

    var isPasting: Bool { pasted != nil }
    /// Something is held that the next key decides: read again before giving up on it.
    var isWaiting: Bool { !held.isEmpty || pasted != nil }

    /// Takes one key from the terminal; returns the keys it completes.
    mutating func feed(_ key: Key) -> [Key] {
        if pasted != nil { return feedPasting(key) }
        if Self.start[held.count] == key {
            held.append(key)
            guard held.count == Self.start.count else { return [] }
            held = []
            pasted = ""
            endMatched = 0
            return []
        }
        guard !held.isEmpty else { return [key] }
        // Not a marker after all: what was held is ordinary keys, and this one starts afresh.
        let released = held
        held = []
        return released + feed(key)
    }

    /// The terminal has nothing more for now: held keys were typed keys (a lone Esc), and a
    /// paste whose end marker never came ends here.
    mutating func flush() -> [Key] {
        if let text = pasted {
            pasted = nil
            return [.paste(text + Self.text(of: Array(Self.end.prefix(endMatched))))]
        }
        defer { held = [] }
        return held
    }

    private mutating func feedPasting(_ key: Key) -> [Key] {
        if Self.end[endMatched] == key {
            endMatched += 1
            guard endMatched == Self.end.count else { return [] }
            let text = pasted ?? ""
            pasted = nil
            return [.paste(text)]
        }
        if endMatched > 0 {
            append(Self.text(of: Array(Self.end.prefix(endMatched))))
            endMatched = 0
            return feedPasting(key)
        }
        append(Self.text(of: [key]))
        return []
    }

    private mutating func append(_ text: String) {
        guard let current = pasted, current.unicodeScalars.count < Self.limit else { return }
        pasted = current + text
    }

    private static func text(of keys: [Key]) -> String {
        var out = ""
        for key in keys {
            switch key {
            case .char(let c): out.append(c)
            case .enter: out.append("\n")
            case .tab: out.append("\t")
            case .escape: out.append("\u{1B}")
            default: break
            }
        }
        return out
    }
}
