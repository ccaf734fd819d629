/// Finds what the terminal sends as sequences in the key stream that curses hands over as
/// single characters:
/// - bracketed pastes: xterm's mode 2004 wraps pasted text in `ESC [200~` ... `ESC [201~`;
///   what lies between becomes one `.paste`, so pasted text is never run as keys
///   (lazygit#3151, fixed there the same way in lazygit#4234; vim and emacs do likewise).
///   Pasted text can hold an end marker of its own (tmux's `paste-buffer -p` passes it on,
///   where xterm strips escapes from a paste): a paste is kept until the input goes quiet, and
///   an end marker that comes in the same burst makes what came between it and the first end
///   pasted text too, never keys;
/// - mouse reports (xterm's SGR form `ESC [<b;x;yM`) that reach us as characters because they
///   arrived slower than curses waits for an escape sequence (a busy machine, ssh): decoded
///   rather than run as the keys `[`, `<`, `;`... (which would seek and slow the demo).
/// Pure, so the decoding is a unit test.
struct InputDecoder {
    enum Output: Equatable {
        case key(Key)
        /// `button` as curses numbers it: 1 click, 4 wheel up, 5 wheel down; x and y from 0.
        case mouse(button: Int, x: Int, y: Int)
    }

    private static let start: [Key] = [.escape, .char("["), .char("2"), .char("0"), .char("0"), .char("~")]
    private static let end: [Key] = [.escape, .char("["), .char("2"), .char("0"), .char("1"), .char("~")]
    /// A paste longer than this is cut: the filter prompt has no use for megabytes.
    static let limit = 4096

    /// Keys that may begin a marker or a mouse report, held until it is clear whether they do.
    private var held: [Key] = []
    /// Inside a paste: its text so far, and how much of the end marker has been seen.
    private var pasted: String?
    private var endMatched = 0
    /// A paste that ended, held until the input goes quiet; the keys that came after it in
    /// the same burst, and how much of another end marker ends them.
    private var finished: String?
    private var trailing: [Key] = []
    private var trailingMatched = 0

    var isPasting: Bool { pasted != nil }
    /// Something is held that the next key decides: read again before giving up on it.
    var isWaiting: Bool { !held.isEmpty || pasted != nil || finished != nil }

    /// Takes one key from the terminal; returns what it completes.
    mutating func feed(_ key: Key) -> [Output] {
        if pasted != nil { return feedPasting(key) }
        if finished != nil { return feedTrailing(key) }
        held.append(key)
        switch classify(held) {
        case .partial:
            return []
        case .paste:
            held = []
            pasted = ""
            endMatched = 0
            return []
        case .strayEnd:
            // The end of a paste whose start we never saw: not the keys `[` (seek) and `~`.
            held = []
            return []
        case .mouse(let report):
            held = []
            return report.map { [$0] } ?? []
        case .none:
            // Not a sequence after all: the first key is an ordinary one, the rest start afresh.
            let released = held
            held = []
            return [.key(released[0])] + released.dropFirst().flatMap { feed($0) }
        }
    }

    /// The terminal has nothing more for now: held keys were typed keys (a lone Esc), and a
    /// paste whose end marker never came ends here.
    mutating func flush() -> [Output] {
        if let text = pasted {
            pasted = nil
            return [.key(.paste(text + Self.text(of: Array(Self.end.prefix(endMatched)))))]
        }
        if let text = finished {
            // The burst ended without another end marker: what followed the paste was typed.
            let after = trailing + Self.end.prefix(trailingMatched)
            finished = nil
            trailing = []
            trailingMatched = 0
            var out: [Output] = [.key(.paste(text))]
            for key in after { out += feed(key) }
            return out + flush()
        }
        defer { held = [] }
        return held.map { .key($0) }
    }

    // MARK: sequences

    private enum Match { case none, partial, paste, strayEnd, mouse(Output?) }

    private func classify(_ keys: [Key]) -> Match {
        guard keys[0] == .escape else { return .none }
        if keys.count <= Self.start.count, Array(Self.start.prefix(keys.count)) == keys {
            return keys.count == Self.start.count ? .paste : .partial
        }
        if keys.count <= Self.end.count, Array(Self.end.prefix(keys.count)) == keys {
            return keys.count == Self.end.count ? .strayEnd : .partial
        }
        // ESC [ < digits ; digits ; digits (M | m)
        guard keys.count >= 3, keys[1] == .char("["), keys[2] == .char("<") else { return .none }
        var fields: [Int] = [0], digits = 0
        for key in keys.dropFirst(3) {
            guard case .char(let c) = key else { return .none }
            if let d = c.wholeNumberValue, c.isASCII {
                guard digits < 5 else { return .none }
                fields[fields.count - 1] = fields[fields.count - 1] * 10 + d
                digits += 1
            } else if c == ";", fields.count < 3, digits > 0 {
                fields.append(0); digits = 0
            } else if c == "M" || c == "m", fields.count == 3, digits > 0 {
                return .mouse(c == "M" ? Self.report(fields) : nil)
            } else {
                return .none
            }
        }
        return .partial
    }

    /// A press of the first button, or a wheel notch; nil for what the dashboard ignores.
    private static func report(_ fields: [Int]) -> Output? {
        let x = fields[1] - 1, y = fields[2] - 1
        switch fields[0] & ~0b11100 {  // without the shift, meta and control bits
        case 0: return .mouse(button: 1, x: x, y: y)
        case 64: return .mouse(button: 4, x: x, y: y)
        case 65: return .mouse(button: 5, x: x, y: y)
        default: return nil
        }
    }

    // MARK: pastes

    private mutating func feedPasting(_ key: Key) -> [Output] {
        if Self.end[endMatched] == key {
            endMatched += 1
            guard endMatched == Self.end.count else { return [] }
            finished = pasted ?? ""
            pasted = nil
            return []
        }
        if endMatched > 0 {
            append(Self.text(of: Array(Self.end.prefix(endMatched))))
            endMatched = 0
            return feedPasting(key)
        }
        append(Self.text(of: [key]))
        return []
    }

    /// After a paste's end, in the same burst: another end marker makes everything since the
    /// first part of the paste (the first end was text in it).
    private mutating func feedTrailing(_ key: Key) -> [Output] {
        if Self.end[trailingMatched] == key {
            trailingMatched += 1
            guard trailingMatched == Self.end.count else { return [] }
            let text = finished ?? ""
            finished = text.unicodeScalars.count < Self.limit ? text + Self.text(of: trailing) : text
            trailing = []
            trailingMatched = 0
            return []
        }
        if trailingMatched > 0 {
            trailing += Self.end.prefix(trailingMatched)
            trailingMatched = 0
            return feedTrailing(key)
        }
        trailing.append(key)
        // Past a paste's worth of keys, this is typing: let it through.
        return trailing.count > Self.limit ? flush() : []
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
