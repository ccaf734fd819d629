import ArgumentParser
import Foundation
import MeshCore
import MeshProxy
import NIOCore
import NIOPosix

/// mesh-top's proxy alone in its own process, so the benchmark can read its CPU time.
struct ProxyServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-serve",
        abstract: "Run mesh-top's HTTP proxy (round robin) until killed; used by `mesh-bench proxy`.",
        shouldDisplay: false
    )

    @Option(help: "Listen address, host:port.") var listen = "127.0.0.1:18092"
    @Option(name: .customLong("backend"), help: "An endpoint address, host:port (repeatable).") var backends: [String] = []
    @Option(help: "Event-loop threads.") var threads = 1
    @Flag(help: "Append X-Forwarded-For to requests.") var forwardedFor = false

    func run() throws {
        var config = ProxyConfiguration(listen: listen)
        config.forwardedFor = forwardedFor
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let proxy = ServiceProxy(configuration: config, group: group)
        do {
            var routes: [Int32: SocketAddress] = [:]
            for (i, text) in backends.enumerated() { routes[Int32(i)] = try ServiceProxy.resolve(text, what: "backend") }
            let hosts = HostSet(hosts: routes.keys.sorted().map { HostSet.Host(slot: $0, weight: 1, key: UInt64($0)) })
            let table = routes
            let bound = try blockOn {
                await proxy.updateRoutes(table, hosts: hosts)
                return try await proxy.start()
            }
            print("mesh-top proxy listening on \(bound)")
        } catch {
            throw ValidationError("\(error)")
        }
        while true { sleep(3600) }
    }
}

/// Runs async work from a synchronous command (the benchmark is not an async command).
func blockOn<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let result = ResultBox<T>()
    Task {
        do { result.value = .success(try await body()) } catch { result.value = .failure(error) }
        done.signal()
    }
    done.wait()
    return try result.value!.get()
}

final class ResultBox<T>: @unchecked Sendable {
    // Written once by the task before the semaphore is signalled, read after the wait.
    var value: Result<T, any Error>?
}
