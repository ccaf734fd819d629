import Foundation

/// Reads a go-bexpr expression (`grammar.peg` of `hashicorp/go-bexpr` v0.1) by recursive
/// descent: `or` of `and`s of `not`s of parenthesised expressions or matches. A failure names
/// its place as go-bexpr's parser does (`1:COLUMN (OFFSET): …`).
struct ConsulFilterParser {
    struct Failure: Error { var message: String }
    typealias Expression = ConsulFilter.Expression

    private let text: [Character]
    private var at = 0
    private var depth = 0
    /// Parentheses and `not`s nested at most: the stack of the descent stays small.
    static let maxDepth = 64

    init(_ text: String) { self.text = Array(text) }

    mutating func parse() throws(Failure) -> Expression {
        skipSpace()
        let expression = try or()
        skipSpace()
        guard at == text.count else { throw failure("unexpected \(quoted(rest)): expected and, or or the end") }
        return expression
    }

    // MARK: Grammar

    private mutating func or() throws(Failure) -> Expression {
        var left = try and()
        while word("or") { left = .or(left, try and()) }
        return left
    }

    private mutating func and() throws(Failure) -> Expression {
        var left = try not()
        while word("and") { left = .and(left, try not()) }
        return left
    }

    private mutating func not() throws(Failure) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw failure("expression nested deeper than \(Self.maxDepth)") }
        if word("not") { return .not(try not()) }
        skipSpace()
        guard peek("(") else { return try match() }
        at += 1
        skipSpace()
        let inner = try or()
        skipSpace()
        guard peek(")") else { throw failure("Unmatched parentheses") }
        at += 1
        skipSpace()
        return inner
    }

    /// `Selector OP Value`, `Selector is [not] empty`, or `Value [not] in Selector`.
    private mutating func match() throws(Failure) -> Expression {
        skipSpace()
        let start = at
        if let first = try selector() {
            let afterSelector = at
            if word("in") { return .match(selector: try requireSelector(), .isIn, value: first.joined(separator: ".")) }
            if word("not"), word("in") { return .match(selector: try requireSelector(), .notIn, value: first.joined(separator: ".")) }
            at = afterSelector
            return try operation(on: first)
        }
        at = start
        guard let value = try literal() else { throw failure("expected a selector, a value or '(', got \(quoted(rest))") }
        if word("in") { return .match(selector: try requireSelector(), .isIn, value: value) }
        if word("not"), word("in") { return .match(selector: try requireSelector(), .notIn, value: value) }
        throw failure("expected in or not in after a value")
    }

    private mutating func operation(on selector: [String]) throws(Failure) -> Expression {
        skipSpace()
        for (symbol, op) in [("==", ConsulFilter.Operator.equal), ("!=", .notEqual)] where peek(symbol) {
            at += symbol.count
            return .match(selector: selector, op, value: try requireValue())
        }
        if word("is") {
            let negated = word("not")
            guard word("empty") else { throw failure("expected empty after is") }
            return .match(selector: selector, negated ? .isNotEmpty : .isEmpty, value: nil)
        }
        let negated = word("not")
        if word("contains") { return .match(selector: selector, negated ? .notIn : .isIn, value: try requireValue()) }
        if word("matches") {
            let pattern = try requireValue()
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw Failure(message: "Failed to compile regular expression \"\(pattern)\": invalid pattern")
            }
            return .match(selector: selector, negated ? .notMatches : .matches, value: pattern)
        }
        throw failure("expected ==, !=, contains, matches, in or is after \(selector.joined(separator: "."))")
    }

    // MARK: Tokens

    /// `Identifier ("." Identifier | "[" String "]")*`, or nil when no identifier starts here.
    private mutating func selector() throws(Failure) -> [String]? {
        guard let first = identifier() else { return nil }
        var parts = [first]
        while true {
            if peek("."), at + 1 < text.count, text[at + 1].isASCII, text[at + 1].isLetter {
                at += 1
                parts.append(identifier() ?? "")
            } else if peek("[") {
                at += 1
                skipSpace()
                guard let key = try string() else { throw failure("Invalid index") }
                skipSpace()
                guard peek("]") else { throw failure("Unclosed index expression") }
                at += 1
                parts.append(key)
            } else {
                return parts
            }
        }
    }

    private mutating func requireSelector() throws(Failure) -> [String] {
        skipSpace()
        guard let selector = try selector() else { throw failure("Invalid selector") }
        return selector
    }

    /// A value: a bare word or selector (its text), a number or a string.
    private mutating func requireValue() throws(Failure) -> String {
        skipSpace()
        if let words = try selector() { return words.joined(separator: ".") }
        guard let value = try literal() else { throw failure("expected a value, got \(quoted(rest))") }
        return value
    }

    private mutating func literal() throws(Failure) -> String? {
        if let s = try string() { return s }
        return number()
    }

    private mutating func identifier() -> String? {
        guard at < text.count, text[at].isASCII, text[at].isLetter else { return nil }
        let start = at
        while at < text.count, text[at].isASCII, text[at].isLetter || text[at].isNumber || text[at] == "_" { at += 1 }
        return String(text[start..<at])
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)?`, followed by a space, `)` or the end.
    private mutating func number() -> String? {
        let start = at
        if peek("-") { at += 1 }
        let digits = at
        while at < text.count, text[at].isASCII, text[at].isNumber { at += 1 }
        guard at > digits else { at = start; return nil }
        if peek("."), at + 1 < text.count, text[at + 1].isNumber {
            at += 1
            while at < text.count, text[at].isASCII, text[at].isNumber { at += 1 }
        }
        return String(text[start..<at])
    }

    /// A Go string literal: `"…"` with Go's escapes, or `` `…` `` raw (`strconv.Unquote`).
    private mutating func string() throws(Failure) -> String? {
        guard at < text.count, text[at] == "\"" || text[at] == "`" else { return nil }
        let quote = text[at]
        let start = at
        at += 1
        var out = ""
        while at < text.count, text[at] != quote {
            if quote == "\"", text[at] == "\\", at + 1 < text.count {
                at += 1
                switch text[at] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\\", "\"": out.append(text[at])
                default: throw Failure(message: "1:\(start + 1) (\(start)): invalid syntax in string literal")
                }
            } else {
                out.append(text[at])
            }
            at += 1
        }
        guard at < text.count else { throw Failure(message: "1:\(start + 1) (\(start)): Unterminated string literal") }
        at += 1
        return out
    }

    /// A keyword standing alone (not the start of a longer word), with the space around it.
    private mutating func word(_ keyword: String) -> Bool {
        let start = at
        skipSpace()
        let chars = Array(keyword)
        guard at + chars.count <= text.count, Array(text[at..<at + chars.count]) == chars else { at = start; return false }
        let end = at + chars.count
        if end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" { at = start; return false }
        at = end
        skipSpace()
        return true
    }

    private func peek(_ s: String) -> Bool {
        let chars = Array(s)
        return at + chars.count <= text.count && Array(text[at..<at + chars.count]) == chars
    }

    private mutating func skipSpace() {
        while at < text.count, text[at] == " " || text[at] == "\t" || text[at] == "\r" || text[at] == "\n" { at += 1 }
    }

    private var rest: String { at < text.count ? String(text[at...].prefix(20)) : "" }

    private func quoted(_ s: String) -> String { s.isEmpty ? "the end" : "\"\(s)\"" }

    private func failure(_ what: String) -> Failure { Failure(message: "1:\(at + 1) (\(at)): \(what)") }
}
