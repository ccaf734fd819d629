import Foundation
import MeshTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One instance of a shared mesh: the real binary, `mesh-top run --headless --registry R
/// --instance NAME`, over a mesh.yaml with one HTTP service `web` (its endpoints given), on
/// loopback or inside a network namespace. The test talks to its admin API and through its
/// proxy like a user, on the namespace's loopback when it has one.
final class MeshProcess: @unchecked Sendable {
    let name: String
    let admin = Executable.freePort()
    let listen = Executable.freePort()
    let directory: URL
    let namespace: NetworkNamespace?
    private let process = Process()
    private let registry: String
    private let extra: [String]
    private let environment: [String: String]

    /// `endpoints`: `(id, host:port)` pairs mesh.yaml names (this instance owns them);
    /// `commands`: the `command:` of those it supervises, by id; `arguments` and
    /// `environment`: more for `run` (etcd's TLS files, its user and password).
    init(_ name: String, registry: String, endpoints: [(String, String)] = [], commands: [String: String] = [:],
         in namespace: NetworkNamespace? = nil, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.name = name
        self.registry = registry
        extra = arguments
        self.environment = environment
        self.namespace = namespace
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var yaml = """
            admin: 127.0.0.1:\(admin)
            services:
              - name: web
                listen: 127.0.0.1:\(listen)
                health: {type: http, path: /, interval: 300ms, timeout: 1s, healthy_threshold: 1, unhealthy_threshold: 2}
                drain_timeout: 5s
                retries: 2

            """
        if !endpoints.isEmpty {
            yaml += "    endpoints:\n" + endpoints.map { id, address in
                "      - {id: \(id), address: \"\(address)\"" + (commands[id].map { ", command: \"\($0)\"" } ?? "") + "}\n"
            }.joined()
        }
        try yaml.write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        try start()
    }

    private func start() throws {
        let binary = try Executable("mesh-top").url.path
        let arguments = [binary, "run", "--config", "mesh.yaml", "--headless", "--registry", registry, "--instance", name] + extra
        if let namespace {
            (process.executableURL, process.arguments) = namespace.exec(arguments)
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = Array(arguments.dropFirst())
        }
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = FileHandle.nullDevice
        let errors = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if (try? admin("GET", "/healthz"))?.status == 200 { return }
            usleep(100_000)
        }
        let why = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        kill9()
        throw RunningMesh.StartError(description: "instance \(name) did not start: \(why)")
    }

    /// Runs `body` where this instance's loopback is.
    func here<T>(_ body: @escaping @Sendable () -> T) -> T { namespace.map { $0.inside(body) } ?? body() }

    /// One request to the admin API.
    func admin(_ method: String, _ path: String, body: String = "") throws -> RawClient.Response {
        let port = admin
        let result: Result<RawClient.Response, any Error> = here {
            Result {
                let client = try RawClient(port: port, timeout: 10)
                client.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                return try client.readResponse()
            }
        }
        return try result.get()
    }

    /// One GET through the proxy: the name of the backend that answered, nil on any failure.
    func ask() -> String? {
        let port = listen
        return here {
            guard let client = try? RawClient(port: port, timeout: 10) else { return nil }
            client.send("GET / HTTP/1.1\r\nHost: web\r\n\r\n")
            guard let response = try? client.readResponse(), response.status == 200 else { return nil }
            return response.body.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The backends that answer `count` requests through the proxy ("failed" for a failure).
    func answers(_ count: Int = 20) -> [String] { (0..<count).map { _ in ask() ?? "failed" } }

    /// `GET /v1/mesh`, decoded.
    func mesh() -> [String: Any]? {
        guard let response = try? admin("GET", "/v1/mesh"), response.status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
    }

    /// `web`'s endpoints by id, as `/v1/mesh` lists them.
    func endpoints() -> [String: [String: Any]] {
        let services = mesh()?["services"] as? [[String: Any]] ?? []
        let web = services.first { $0["name"] as? String == "web" }?["endpoints"] as? [[String: Any]] ?? []
        return Dictionary(web.compactMap { e in (e["id"] as? String).map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
    }

    func state(_ id: String) -> String? { endpoints()[id]?["state"] as? String }

    /// The instances `/v1/mesh` lists.
    func instances() -> [String] {
        (mesh()?["instances"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// Every event so far, as JSON objects.
    func events() -> [[String: Any]] {
        guard let response = try? admin("GET", "/v1/events?since=0&limit=10000"), response.status == 200 else { return [] }
        return (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]]) ?? []
    }

    func hasEvent(_ matches: ([String: Any]) -> Bool) -> Bool { events().contains(where: matches) }

    /// An operator action through the admin API, as `ctl` sends it.
    func operate(_ action: String, _ id: String) throws -> Int {
        try admin("POST", "/v1/endpoints/web/\(id)/\(action)").status
    }

    /// `mesh-top ctl status` against this instance.
    func ctlStatus() throws -> String {
        let binary = try Executable("mesh-top").url.path
        let arguments = [binary, "ctl", "--admin", "127.0.0.1:\(admin)", "status"]
        let run = try namespace.map { try Executable.runAny(NetworkNamespace.ip, $0.exec(arguments).arguments) }
            ?? Executable(url: URL(fileURLWithPath: binary)).run(Array(arguments.dropFirst()))
        return run.stdout
    }

    var isRunning: Bool { process.isRunning }

    /// Ctrl-C: a graceful stop. Its directory goes too.
    func stop() {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGKILL: the instance dies without a goodbye.
    func kill9() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A backend answering with its name (Fixtures/named_server.py), on loopback or in a namespace.
final class NamedBackend: @unchecked Sendable {
    let name: String
    let host: String
    let port: Int
    private let process = Process()

    init(_ name: String, host: String = "127.0.0.1", port: Int = Executable.freePort(), in namespace: NetworkNamespace? = nil) throws {
        self.name = name; self.host = host; self.port = port
        let command = [ConsulLibrary.python, ConsulLibrary.fixtures.appendingPathComponent("named_server.py").path, name, String(port), host]
        if let namespace {
            (process.executableURL, process.arguments) = namespace.exec(command)
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var address: String { "\(host):\(port)" }

    /// SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask.
    func stop() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
