import ArgumentParser
import Foundation
import MeshCore
import MeshOutput
import MeshProxy
import MeshTLS
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
    @Option(help: "Terminate TLS with this certificate (PEM; needs --tls-key).") var tlsCert: String?
    @Option(help: "The private key of --tls-cert (PEM).") var tlsKey: String?
    @Option(help: "Write an access log (text) here.") var accessLog: String?

    func run() throws {
        var config = ProxyConfiguration(listen: listen)
        config.forwardedFor = forwardedFor
        if let accessLog {
            do {
                config.accessLog = AccessLog(service: "bench", format: .text, writer: try LineWriter(path: accessLog))
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let proxy: ServiceProxy
        do {
            let tls = try tlsCert.map { cert throws(TLSError) in try ServerTLS.load(.init(certificate: cert, key: tlsKey ?? cert)) }
            proxy = ServiceProxy(configuration: config, group: group, serverTLS: tls)
            var routes: [Int32: SocketAddress] = [:]
            for (i, text) in backends.enumerated() { routes[Int32(i)] = try ServiceProxy.resolve(text, what: "backend") }
            let hosts = HostSet(hosts: routes.keys.sorted().map { HostSet.Host(slot: $0, weight: 1, key: UInt64($0)) })
            let names = Dictionary(uniqueKeysWithValues: routes.keys.map { ($0, "b\($0)") })
            try proxy.updateRoutes(routes, hosts: hosts, names: names).wait()
            let bound = try proxy.start().wait()
            print("mesh-top proxy listening on \(bound)")
        } catch {
            throw ValidationError("\(error)")
        }
        while true { sleep(3600) }
    }
}
