/// What ring-hash and Maglev hash a request on (`hash_on:`).
public enum HashOn: Sendable, Equatable, Codable, CustomStringConvertible {
    case header(String)
    case clientIP
    case path

    /// `header:NAME`, `client-ip` or `path`.
    public init?(_ text: String) {
        if text == "client-ip" { self = .clientIP } else if text == "path" { self = .path }
        else if text.hasPrefix("header:"), text.count > 7 { self = .header(String(text.dropFirst(7)).lowercased()) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case .header(let name): "header:\(name)"
        case .clientIP: "client-ip"
        case .path: "path"
        }
    }
}
