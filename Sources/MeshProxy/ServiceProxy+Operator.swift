public import MeshCore
public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: Operator actions and counters

extension ServiceProxy {
    /// No new requests or connections to `slot`; its idle connections close now, busy ones after
    /// their current response.
    @discardableResult
    public func drain(slot: Int32) -> EventLoopFuture<Void> {
        onEveryLoop(loops) { $0.drain(slot) }
    }

    /// Out of rotation at once; every connection to `slot` is reset (SO_LINGER 0).
    @discardableResult
    public func kill(slot: Int32) -> EventLoopFuture<Void> {
        onEveryLoop(loops) { $0.kill(slot) }
    }

    /// Back in rotation after a drain or a kill.
    @discardableResult
    public func restore(slot: Int32) -> EventLoopFuture<Void> {
        onEveryLoop(loops) { $0.restore(slot) }
    }

    /// Requests in flight plus relayed connections on `slot`, summed over all loops.
    public func activeCount(slot: Int32) -> EventLoopFuture<Int> {
        fromEveryLoop { $0.activeCount(slot) }.map { $0.reduce(0, +) }
    }

    /// Every loop's counters, summed per slot.
    public func collect() -> EventLoopFuture<[Int32: EndpointCounters]> {
        fromEveryLoop { $0.snapshot() }.map { parts in
            var total: [Int32: EndpointCounters] = [:]
            for part in parts {
                for (slot, counters) in part { total[slot, default: EndpointCounters()].add(counters) }
            }
            return total
        }
    }

    /// Client connections closed for a client's slowness, summed over all loops.
    public func listenerCounters() -> EventLoopFuture<ListenerCounters> {
        fromEveryLoop { $0.listenerCounters }.map { parts in
            parts.reduce(into: ListenerCounters()) { $0.add($1) }
        }
    }

    /// Every loop's balancer view, merged per slot (`BalancerView.merged`).
    public func balancerViews() -> EventLoopFuture<[Int32: BalancerView]> {
        fromEveryLoop { $0.balancerViews() }.map { parts in
            var views: [Int32: [BalancerView]] = [:]
            for part in parts {
                for (slot, view) in part { views[slot, default: []].append(view) }
            }
            return views.compactMapValues(BalancerView.merged)
        }
    }
}

// MARK: Addresses

extension ServiceProxy {
    /// `host:port` or `[v6]:port` (`HostPort`, port 0 allowed: a listener on any free port) to
    /// a socket address; a `ProxyError` naming `what` otherwise.
    public static func resolve(_ text: String, what: String = "address") throws -> SocketAddress {
        guard let address = HostPort(text, ports: HostPort.listenPorts) else {
            throw ProxyError("\(what) '\(text)': expected host:port (or [v6-address]:port) with a port from 0 to 65535")
        }
        do {
            return try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
        } catch {
            throw ProxyError("\(what) '\(text)': cannot resolve host '\(address.host)'")
        }
    }

    static func describe(_ error: any Error, listen: String) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "cannot listen on \(listen): address already in use"
            case EADDRNOTAVAIL: return "cannot listen on \(listen): address not available on this machine"
            case EACCES: return "cannot listen on \(listen): permission denied"
            default: return "cannot listen on \(listen): \(io.description)"
            }
        }
        return "cannot listen on \(listen): \(error)"
    }
}
