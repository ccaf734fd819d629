public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real etcd on its own ports and data directory, for tests of the shared registry. `start`
/// returns nil (having printed why) when etcd is not installed, and records nothing; callers
/// fail instead under CI=true, where it must be.
public final class EtcdServer: @unchecked Sendable {
    public let clientPort: Int
    public let peerPort: Int
    public let dataDirectory: URL
    private var process: Process?

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd") }

    public init() {
        clientPort = Loopback.freePort(in: 33_000...34_000)
        var peer = Loopback.freePort(in: 33_000...34_000)
        while peer == clientPort { peer = Loopback.freePort(in: 33_000...34_000) }
        peerPort = peer
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-\(UUID().uuidString)")
    }

    public var url: String { "etcd://127.0.0.1:\(clientPort)" }

    /// Starts (or starts again, on the same data) and waits until it answers.
    public func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        let client = "http://127.0.0.1:\(clientPort)", peer = "http://127.0.0.1:\(peerPort)"
        p.arguments = ["--name", "test", "--data-dir", dataDirectory.path,
                       "--listen-client-urls", client, "--advertise-client-urls", client,
                       "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                       "--initial-cluster", "test=\(peer)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if Self.answers(port: clientPort) { return }
            usleep(100_000)
        }
        throw EtcdServerError(message: "etcd did not answer on \(client) within 15 s")
    }

    /// SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
    public func kill() {
        guard let p = process else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    public func stop() {
        kill()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    private static func answers(port: Int) -> Bool {
        guard let client = try? RawClient(port: port, timeout: 1) else { return false }
        let body = #"{"key":"AA=="}"#
        client.send("POST /v3/kv/range HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return (try? client.readResponse().status) == 200
    }
}

public struct EtcdServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
