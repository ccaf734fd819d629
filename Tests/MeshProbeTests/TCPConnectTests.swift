import Glibc
@testable import MeshProbe
import NIOCore
import NIOPosix
import Testing

/// A TCP check's socket on real loopback sockets: one socket serves check after check, whatever
/// the last one's outcome, and a pool hands sockets back by address family.
struct TCPConnectTests {
    /// Polls a connect until it is over (loopback answers at once; the deadline is for a loaded machine).
    func outcome(_ socket: TCPConnect, _ address: SocketAddress) async throws -> TCPConnect.Outcome? {
        if case .done(let outcome) = socket.start(to: address) { return outcome }
        for _ in 0..<500 {
            if let outcome = socket.poll(address) { return outcome }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func oneSocketConnectsIsRefusedAndIsAbandonedCheckAfterCheck() async throws {
        let server = try await TestServer(mode: .silent)
        let refusing = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        let (full, fullPort) = try TCPTable.fullListener()
        defer { TCPTable.close(full) }
        let socket = try #require(TCPConnect.open(family: AF_INET))
        defer { socket.close() }

        #expect(try await outcome(socket, server.address) == .connected)
        #expect(socket.reset())
        #expect(try await outcome(socket, refusing) == .failed(errno: ECONNREFUSED))
        // Refused: the kernel left it unconnected, so it connects again without a reset.
        #expect(try await outcome(socket, server.address) == .connected)
        #expect(socket.reset())
        // A listener whose queue is full drops the SYN: the connect stays in progress until abandoned.
        let blackhole = try SocketAddress(ipAddress: "127.0.0.1", port: fullPort)
        if case .done(let outcome) = socket.start(to: blackhole) { Issue.record("a dropped SYN answered: \(outcome)") }
        #expect(socket.poll(blackhole) == nil)
        #expect(socket.reset())
        #expect(try await outcome(socket, server.address) == .connected)
        #expect(socket.reset())
        // Reset before the handshake's last ACK, a check is seldom accepted, never more than once.
        #expect(server.counts.connections <= 4)
        try await server.stop()
    }

    @Test func aResetLeavesNothingInTheKernelsTable() async throws {
        let server = try await TestServer(mode: .silent)
        let socket = try #require(TCPConnect.open(family: AF_INET))
        defer { socket.close() }
        for _ in 0..<20 {
            #expect(try await outcome(socket, server.address) == .connected)
            #expect(socket.reset())
        }
        // Neither open nor in TIME_WAIT, though the socket itself is still open.
        #expect(TCPTable.sockets(toPort: server.port).isEmpty, "\(TCPTable.sockets(toPort: server.port))")
        try await server.stop()
    }

    @Test func thePoolKeepsSocketsByFamily() {
        var pool = TCPConnectPool()
        defer { pool.closeAll() }
        guard let v4 = pool.take(family: AF_INET), let v6 = pool.take(family: AF_INET6) else {
            Issue.record("no socket: \(String(cString: strerror(errno)))")
            return
        }
        #expect(v4.family == AF_INET && v6.family == AF_INET6 && v4.fd != v6.fd)
        pool.giveBack(v4, reset: false)
        pool.giveBack(v6, reset: true)
        let again6 = pool.take(family: AF_INET6), again4 = pool.take(family: AF_INET), new = pool.take(family: AF_INET)
        #expect(again6?.fd == v6.fd && again4?.fd == v4.fd)
        #expect(new != nil && new?.fd != v4.fd)
        for socket in [again4, again6, new].compactMap(\.self) { pool.giveBack(socket, reset: false) }
    }

    @Test func anIPv6TargetIsCheckedOnAnIPv6Socket() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: group).bind(host: "::1", port: 0).get()
        } catch {
            try await group.shutdownGracefully()
            print("skipped: no IPv6 loopback here (\(error))")
            return
        }
        let address = try #require(listener.localAddress)
        #expect(TCPConnect.family(of: address) == AF_INET6)
        let socket = try #require(TCPConnect.open(family: AF_INET6))
        for _ in 0..<3 {
            #expect(try await outcome(socket, address) == .connected)
            #expect(socket.reset())
        }
        socket.close()
        try await listener.close()
        try await group.shutdownGracefully()
    }
}
