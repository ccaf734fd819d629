import MeshConfig
public import MeshCore
import MeshProxy
public import NIOCore
import NIOPosix

/// The listeners' own counters where operators see them: `/metrics` asks at each scrape.
extension LiveMesh {
    /// Asks every service's listener, from any thread, how many client connections it closed
    /// for the client's slowness; keyed by service name, services without `listen:` left out.
    public var listenerCounters: @Sendable () -> EventLoopFuture<[String: ListenerCounters]> {
        let listening = zip(config.services, proxies).compactMap { service, proxy in proxy.map { (service.name, $0) } }
        let loop = group.next()
        return {
            let asked = listening.map { name, proxy in proxy.listenerCounters().map { (name, $0) } }
            return EventLoopFuture.whenAllSucceed(asked, on: loop).map { Dictionary($0, uniquingKeysWith: { a, _ in a }) }
        }
    }
}
