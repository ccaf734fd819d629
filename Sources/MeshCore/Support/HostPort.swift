/// An address as mesh-top reads it everywhere (mesh.yaml, `--admin`, `--registry`, Consul
/// registrations, listeners): `host:port`, or `[v6]:port` for IPv6. The one parser of them.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Ports something can be reached at.
    public static let ports = 1...65535
    /// Ports a listener may ask for: 0 takes any free one (tests, ephemeral listeners).
    public static let listenPorts = 0...65535

    /// Host name or IP, without brackets.
    public var host: String
    /// Within `ports` (or `listenPorts` where parsed so).
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Parses `host:port` / `[::1]:port` with a port in `ports`; nil for anything else (no
    /// port, port out of range, spaces, characters no host name has).
    public init?(_ text: String, ports: ClosedRange<Int> = HostPort.ports) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), host.contains(":") else { return nil }
            port = rest.dropFirst()
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }) else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else { return nil }
        }
        guard !host.isEmpty, !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber),
              port.count <= 5, let number = Int(port), ports.contains(number) else { return nil }
        self.init(host: String(host), port: number)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Only this machine can reach it (127.0.0.0/8, `::1`, `localhost`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Binds every interface (`0.0.0.0`, `::`).
    public var isWildcard: Bool { host == "0.0.0.0" || host == "::" }

    /// Whether two listeners would fight over the same port.
    public func collides(with other: HostPort) -> Bool {
        port == other.port && (host == other.host || isWildcard || other.isWildcard)
    }
}
