import Glibc
import NIOCore

/// A TCP check's connect on a bare non-blocking socket, asked "done yet?" with a zero-wait
/// `poll` when the probe's schedule comes round, instead of a NIO channel: a check that only
/// connects needs no pipeline, no epoll registration and no futures. Five system calls per
/// check (socket, connect, poll, setsockopt, close), where a channel costs several times that.
/// The price is latency resolution: a connect is seen done at the first poll after it is.
struct TCPConnect {
    enum Outcome: Equatable {
        case connected
        case failed(errno: Int32)
    }

    enum Start {
        case pending(TCPConnect)
        /// Known at once: connected on the spot, or refused without a round trip.
        case done(Outcome)
    }

    private let fd: Int32

    /// Starts connecting: the connect in flight, or its outcome when it is known at once.
    static func start(to address: SocketAddress) -> Start {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .done(.failed(errno: errno)) }
        let pending = TCPConnect(fd: fd)
        // No quick ACK, as HAProxy's plain TCP checks (`CONNECT_DELACK_ALWAYS` in its checks.c):
        // the handshake's last ACK waits, the reset goes first, and the server never builds the
        // connection at all (its SYN-ACK already proved it listens).
        var off: Int32 = 0
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &off, socklen_t(MemoryLayout<Int32>.size))
        let rc = address.withSockAddr { pointer, size in connect(fd, pointer, socklen_t(size)) }
        if rc == 0 {
            pending.reset()
            return .done(.connected)
        }
        let code = errno
        guard code == EINPROGRESS || code == EINTR else {
            pending.reset()
            return .done(.failed(errno: code))
        }
        // On loopback and other near peers the handshake is over before connect returns: seen
        // at once, the connection is reset before the server accepts it (as HAProxy's checks
        // are), sparing both sides the accept, the wake-ups and the reset of a live socket.
        if let outcome = pending.poll() {
            pending.reset()
            return .done(outcome)
        }
        return .pending(pending)
    }

    /// The outcome once the connect is over, nil while it is still in progress. Either way
    /// the socket stays open until `reset`.
    func poll() -> Outcome? {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard Glibc.poll(&entry, 1, 0) > 0, entry.revents != 0 else { return nil }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else { return .failed(errno: errno) }
        return error == 0 ? .connected : .failed(errno: error)
    }

    /// Closes with a reset, as HAProxy's checks do: no TIME_WAIT left behind, so thousands of
    /// checks a second do not run out of local ports.
    func reset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }
}
