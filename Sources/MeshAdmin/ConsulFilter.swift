import Foundation

/// Consul's `?filter=` on its list routes: a go-bexpr boolean expression (the grammar of
/// `hashicorp/go-bexpr` v0.1, `grammar.peg`, which Consul's `api-docs/features/filtering`
/// documents), checked against the shape of what the route lists before anything is read, as
/// `bexpr.CreateFilter` checks it (`validate.go`, `field_config.go`), and refused in its words:
/// `Failed to create boolean expression evaluator: …`.
///
/// - Matches: `Sel == V`, `Sel != V`, `V in Sel`, `V not in Sel`, `Sel contains V`,
///   `Sel not contains V`, `Sel matches "re"`, `Sel not matches "re"`, `Sel is empty`,
///   `Sel is not empty`; `and`, `or`, `not` and parentheses. A value is a number, a
///   `"string"`, a `` `raw string` `` or a bare word (`passing`).
/// - Selectors are the JSON names the route answers with (`Service.Tags`, `Checks.Status`,
///   `ServiceMeta.env`, `Meta["some-key"]`): through a list, a match holds when it holds for
///   any element; a key missing from a map is unequal to everything and in nothing.
/// - Operators by what they select (`field_config.go`): `==`/`!=` on strings, numbers and
///   booleans (the value coerced to the field's type), `in`/`matches` also on strings
///   (substring, regular expression), `in`/`is empty` on lists of strings and on maps (a key),
///   `is empty` on lists of objects.
struct ConsulFilter: Sendable {
    /// The shape of what a route lists, read off a sample answer: what a selector may name.
    indirect enum Shape: Sendable {
        case string, number, bool
        case list(Shape)
        /// A struct's members.
        case object([String: Shape])
        /// A map's values, under any key (a map without a sample holds strings).
        case map(Shape)

        /// The JSON names that are maps (Go `map[string]…`), not structs.
        static let mapNames: Set = ["Meta", "ServiceMeta", "NodeMeta", "TaggedAddresses", "ServiceTaggedAddresses"]

        init(_ sample: JSONValue, name: String = "") {
            switch sample {
            case .string, .null: self = .string
            case .number: self = .number
            case .bool: self = .bool
            case .array(let items): self = .list(items.first.map { Shape($0) } ?? .string)
            case .object(let members):
                if Self.mapNames.contains(name) {
                    self = .map(members.first.map { Shape($0.value) } ?? .string)
                } else {
                    self = .object(Dictionary(members.map { ($0.key, Shape($0.value, name: $0.key)) }, uniquingKeysWith: { a, _ in a }))
                }
            }
        }
    }

    enum Operator: String, Sendable {
        case equal = "Equal", notEqual = "Not Equal", isIn = "In", notIn = "Not In", isEmpty = "Is Empty"
        case isNotEmpty = "Is Not Empty", matches = "Matches", notMatches = "Not Matches"
    }

    indirect enum Expression: Sendable {
        case and(Expression, Expression)
        case or(Expression, Expression)
        case not(Expression)
        case match(selector: [String], Operator, value: String?)
    }

    /// The compiled regular expressions of `matches`, by pattern, for one evaluation of a list
    /// (`NSRegularExpression` is not `Sendable`; a filter crosses event loops).
    typealias Regexes = [String: NSRegularExpression]

    /// go-bexpr's limits (`validate.go`): match expressions per filter, bytes per value.
    static let maxMatches = 32
    static let maxValueLength = 512

    let expression: Expression

    /// Parsed and checked against `shape`; a refusal in go-bexpr's words, for a 400.
    init(_ text: String, shape: Shape) throws(ConsulRegistration.Refusal) {
        var parser = ConsulFilterParser(text)
        do {
            expression = try parser.parse()
            var matches = 0
            try Self.validate(expression, shape, matches: &matches)
        } catch {
            throw ConsulRegistration.Refusal(message: "filter: Failed to create boolean expression evaluator: \(error.message)")
        }
    }

    /// The filter of a request, nil without one (an empty `filter` is none, as in Consul).
    static func of(_ request: AdminRequest, shape: @autoclosure () -> Shape) throws(ConsulRegistration.Refusal) -> ConsulFilter? {
        guard let text = request.query["filter"], !text.isEmpty else { return nil }
        return try ConsulFilter(text, shape: shape())
    }

    /// The filter's patterns, compiled (each compiled once at parse time already).
    func regexes() -> Regexes {
        var out: Regexes = [:]
        func collect(_ e: Expression) {
            switch e {
            case .and(let l, let r), .or(let l, let r): collect(l); collect(r)
            case .not(let inner): collect(inner)
            case .match(_, let op, let value?) where op == .matches || op == .notMatches:
                out[value] = try? NSRegularExpression(pattern: value)  // Compiled without error when parsed.
            case .match: break
            }
        }
        collect(expression)
        return out
    }

    /// Whether `item` (one element of the list, as its JSON) passes.
    func matches(_ item: JSONValue, _ regexes: Regexes) -> Bool { Self.evaluate(expression, item, regexes) }

    // MARK: Validation

    typealias Failure = ConsulFilterParser.Failure

    private static func validate(_ e: Expression, _ shape: Shape, matches: inout Int) throws(Failure) {
        switch e {
        case .and(let l, let r), .or(let l, let r):
            try validate(l, shape, matches: &matches)
            try validate(r, shape, matches: &matches)
        case .not(let inner):
            try validate(inner, shape, matches: &matches)
        case .match(let selector, let op, let value):
            matches += 1
            guard matches <= maxMatches else {
                throw Failure(message: "Number of match expressions (\(matches)) exceeds the limit (\(maxMatches))")
            }
            let name = selector.joined(separator: ".")
            if let value, value.utf8.count > maxValueLength {
                throw Failure(message: "Value in expression with length \(value.utf8.count) for selector \"\(name)\" exceeds maximum length of \(maxValueLength)")
            }
            var at = shape
            for (i, part) in selector.enumerated() {
                let next: Shape? = switch at {
                case .object(let fields), .list(.object(let fields)): fields[part]
                case .map(let values): values
                default: nil
                }
                guard let next else { throw Failure(message: "Selector \"\(selector.prefix(i + 1).joined(separator: "."))\" is not valid") }
                at = next
            }
            let allowed: [Operator] = switch at {
            case .string: [.equal, .notEqual, .isIn, .notIn, .matches, .notMatches]
            case .number, .bool: [.equal, .notEqual]
            case .list(.object): [.isEmpty, .isNotEmpty]
            case .list, .map: [.isIn, .notIn, .isEmpty, .isNotEmpty]
            case .object: []
            }
            guard allowed.contains(op) else { throw Failure(message: "Invalid match operator \"\(op.rawValue)\" for selector \"\(name)\"") }
            if let value {
                switch at {
                case .number where Double(value) == nil, .bool where ConsulAPI.parseBool(value) == nil:
                    throw Failure(message: "Failed to coerce value \"\(value)\" for selector \"\(name)\": invalid syntax")
                default: break
                }
            }
        }
    }

    // MARK: Evaluation (go-bexpr v0.1 `evaluate.go`)

    private static func evaluate(_ e: Expression, _ item: JSONValue, _ regexes: Regexes) -> Bool {
        switch e {
        case .and(let l, let r): evaluate(l, item, regexes) && evaluate(r, item, regexes)
        case .or(let l, let r): evaluate(l, item, regexes) || evaluate(r, item, regexes)
        case .not(let inner): !evaluate(inner, item, regexes)
        case .match(let selector, let op, let value): match(selector[...], op, value, value.flatMap { regexes[$0] }, item)
        }
    }

    private static func match(_ selector: ArraySlice<String>, _ op: Operator, _ value: String?, _ regex: NSRegularExpression?,
                              _ at: JSONValue) -> Bool {
        guard let part = selector.first else { return leaf(op, value, regex, at) }
        switch at {
        case .array(let items):
            // Through a list, a match holds when it holds for any element.
            return items.contains { match(selector, op, value, regex, $0) }
        case .object(let members):
            guard let found = members.last(where: { $0.key == part })?.value else { return missing(op) }
            return match(selector.dropFirst(), op, value, regex, found)
        default:
            return missing(op)
        }
    }

    /// What is not there equals nothing and holds nothing (`evaluate.go`, a map's missing key).
    private static func missing(_ op: Operator) -> Bool {
        switch op {
        case .equal, .isNotEmpty, .isIn, .matches: false
        case .notEqual, .isEmpty, .notIn, .notMatches: true
        }
    }

    private static func leaf(_ op: Operator, _ value: String?, _ regex: NSRegularExpression?, _ at: JSONValue) -> Bool {
        let raw = value ?? ""
        switch op {
        case .equal, .notEqual:
            let equal: Bool = switch at {
            case .string(let s): s == raw
            case .number(let n): Double(n) == Double(raw)
            case .bool(let b): ConsulAPI.parseBool(raw) == b
            default: false
            }
            return equal == (op == .equal)
        case .isIn, .notIn:
            let found: Bool = switch at {
            case .string(let s): raw.isEmpty || s.contains(raw)
            case .array(let items): items.contains { if case .string(let s) = $0 { s == raw } else { false } }
            case .object(let members): members.contains { $0.key == raw }
            default: false
            }
            return found == (op == .isIn)
        case .isEmpty, .isNotEmpty:
            let empty: Bool = switch at {
            case .string(let s): s.isEmpty
            case .array(let items): items.isEmpty
            case .object(let members): members.isEmpty
            default: true
            }
            return empty == (op == .isEmpty)
        case .matches, .notMatches:
            guard case .string(let s) = at, let regex else { return op == .notMatches }
            let found = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            return found == (op == .matches)
        }
    }
}

extension ConsulFilter.Shape: Equatable {}
