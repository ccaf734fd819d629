import Glibc
import NIOCore

/// A TCP check's connect on a bare non-blocking socket that is kept from check to check, instead
/// of a NIO channel or a new socket per check: a check that only connects needs no pipeline, no
/// epoll registration and no futures, and making and freeing a socket for every check (file,
/// inode, protocol state, and their system calls) was a quarter of its CPU.
///
/// A check is three or four system calls: `setsockopt` (no quick ACK), `connect`, `connect` again
/// to learn the outcome (HAProxy's `sock_conn_check` in src/sock.c asks the same way: 0 or
/// `EISCONN` connected, `EALREADY` still in progress, else the error), and `connect` to
/// `AF_UNSPEC`, which aborts the connection with a reset (RFC 9293 §3.10.5 ABORT; Linux's
/// `tcp_disconnect`) and leaves the socket unconnected and unbound, ready for the next check. A
/// connect the kernel reports failed is already unconnected and needs no reset.
///
/// What is left is the kernel's work for the SYN, the SYN-ACK and the reset at both ends (on
/// loopback all of it runs in the checker's system calls): about 85% of a check's CPU. A bare C
/// loop of the same four calls takes 0.83x what a check does, and half of what HAProxy's does.
struct TCPConnect {
    enum Outcome: Equatable {
        case connected
        case failed(errno: Int32)
    }

    enum Start {
        case pending
        /// Known at once: connected on the spot, or refused without a round trip.
        case done(Outcome)
    }

    let fd: Int32
    let family: Int32

    /// A new socket for `family` (`AF_INET` or `AF_INET6`), or nil with `errno` saying why not.
    static func open(family: Int32) -> TCPConnect? {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        return fd >= 0 ? TCPConnect(fd: fd, family: family) : nil
    }

    static func family(of address: SocketAddress) -> Int32 {
        address.protocol == .inet6 ? AF_INET6 : AF_INET
    }

    /// Starts connecting: in flight, or its outcome when it is known at once. On loopback and
    /// other near peers the handshake is over before `connect` returns (the peer's answer is
    /// processed as the socket is released), so the first look is at once.
    func start(to address: SocketAddress) -> Start {
        // No quick ACK, as HAProxy's plain TCP checks (`CONNECT_DELACK_ALWAYS` in its checks.c):
        // the handshake's last ACK waits, the reset goes first, and the server never builds the
        // connection at all (its SYN-ACK already proved it listens). Set for each check, as a
        // disconnect clears it.
        var off: Int32 = 0
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &off, socklen_t(MemoryLayout<Int32>.size))
        switch connect(to: address) {
        case 0: return .done(.connected)
        case EINPROGRESS, EINTR: return poll(address).map { .done($0) } ?? .pending
        case let code: return .done(.failed(errno: code))
        }
    }

    /// The outcome once the connect is over, nil while it is still in progress. A failure leaves
    /// the socket unconnected, ready for another connect.
    func poll(_ address: SocketAddress) -> Outcome? {
        switch connect(to: address) {
        case 0, EISCONN: .connected
        case EALREADY, EINPROGRESS, EINTR: nil
        case let code: .failed(errno: code)
        }
    }

    /// Aborts the connection (a reset if it was up, nothing on the wire if the handshake was still
    /// under way): no TIME_WAIT left behind, so thousands of checks a second do not run out of
    /// local ports, and the socket is ready for another connect. False if it is not (then close it).
    func reset() -> Bool {
        var unspecified = sockaddr()
        unspecified.sa_family = sa_family_t(AF_UNSPEC)
        return Glibc.connect(fd, &unspecified, socklen_t(MemoryLayout<sockaddr>.size)) == 0
    }

    func close() {
        _ = Glibc.close(fd)
    }

    /// 0 or the `errno` of `connect(2)`.
    private func connect(to address: SocketAddress) -> Int32 {
        address.withSockAddr { pointer, size in Glibc.connect(fd, pointer, socklen_t(size)) } == 0 ? 0 : errno
    }
}
