public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace (`ip netns add`): a host of its own on this machine, with its own
/// loopback, ports and addresses. Programs run in it through `ip netns exec`; the test's own
/// sockets through `inside`, on a thread that entered it.
public final class NetworkNamespace: Sendable {
    /// iproute2's `ip`, wherever the distribution puts it.
    public static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"

    public let name: String
    /// Its address on the link to the other namespace.
    public let address: String

    init(name: String, address: String) { self.name = name; self.address = address }

    /// The arguments that run `command` in this namespace.
    public func exec(_ command: [String]) -> (executable: URL, arguments: [String]) {
        (URL(fileURLWithPath: Self.ip), ["netns", "exec", name] + command)
    }

    /// Runs `body` on a thread inside the namespace: the sockets it opens are the namespace's.
    public func inside<T>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ThreadResult<T>()
        let path = "/var/run/netns/\(name)"
        let thread = Thread {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            // setns(2) moves only this thread; the Glibc module does not export it.
            typealias SetNS = @convention(c) (Int32, Int32) -> Int32
            if fd >= 0, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns"),
               unsafeBitCast(symbol, to: SetNS.self)(fd, 0x4000_0000 /* CLONE_NEWNET */) == 0 {
                box.value = body()
            }
            if fd >= 0 { close(fd) }
            box.done.signal()
        }
        thread.start()
        box.done.wait()
        guard let value = box.value else { fatalError("cannot enter network namespace \(name)") }
        return value
    }
}

/// Two namespaces joined by a veth pair, 10.X.Y.1 and 10.X.Y.2: two hosts on one wire. Made by
/// `make()`, which throws the reason when this machine cannot (not root, no iproute2, no
/// namespaces in a container); `remove()` deletes both (the veth pair goes with them).
public final class NetworkPair: Sendable {
    public let left: NetworkNamespace
    public let right: NetworkNamespace

    private init(left: NetworkNamespace, right: NetworkNamespace) { self.left = left; self.right = right }

    public static func make() throws -> NetworkPair {
        let tag = String(format: "mt%05d%03x", getpid() % 100_000, Int.random(in: 0..<4096))
        let subnet = "10.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))"
        let pair = NetworkPair(left: NetworkNamespace(name: tag + "a", address: subnet + ".1"),
                               right: NetworkNamespace(name: tag + "b", address: subnet + ".2"))
        do {
            try ip("netns", "add", pair.left.name)
            try ip("netns", "add", pair.right.name)
            try ip("link", "add", tag + "a", "type", "veth", "peer", "name", tag + "b")
            for (namespace, link) in [(pair.left, tag + "a"), (pair.right, tag + "b")] {
                try ip("link", "set", link, "netns", namespace.name)
                try ip("-n", namespace.name, "addr", "add", namespace.address + "/24", "dev", link)
                try ip("-n", namespace.name, "link", "set", link, "up")
                try ip("-n", namespace.name, "link", "set", "lo", "up")
            }
        } catch {
            pair.remove()
            throw error
        }
        return pair
    }

    public func remove() {
        _ = try? Self.ip("netns", "del", left.name)
        _ = try? Self.ip("netns", "del", right.name)
    }

    /// Runs iproute2's `ip`; throws its complaint.
    static func ip(_ arguments: String...) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: NetworkNamespace.ip)
        p.arguments = arguments
        let errors = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errors
        do {
            try p.run()
        } catch {
            throw NetworkSetupError(message: "cannot run \(NetworkNamespace.ip): \(error)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NetworkSetupError(message: "ip \(arguments.joined(separator: " ")): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// Why namespaces could not be made: the test skips with it, or fails under CI=true.
public struct NetworkSetupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What a thread hands back to the one waiting for it.
final class ThreadResult<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
