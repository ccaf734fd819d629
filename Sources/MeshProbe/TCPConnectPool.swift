import Glibc

/// One loop's TCP check sockets between checks, unconnected and ready for the next connect, by
/// address family. A check takes one and gives it back when it ends, so the loop keeps at most as
/// many as it ever had connects in flight at once (`ProbeLoop.maxConnecting` per family), instead
/// of making and freeing a socket for every check.
struct TCPConnectPool {
    private var inet: [TCPConnect] = []
    private var inet6: [TCPConnect] = []

    /// An idle socket of `family`, or a new one; nil (with `errno` set) when none can be made.
    mutating func take(family: Int32) -> TCPConnect? {
        let idle = family == AF_INET6 ? inet6.popLast() : inet.popLast()
        return idle ?? TCPConnect.open(family: family)
    }

    /// Takes back a socket whose check is over. `reset`: the connection may be up or under way
    /// and is aborted first (a socket whose connect the kernel reported failed is already
    /// unconnected). A socket that cannot be reset is closed instead.
    mutating func giveBack(_ socket: TCPConnect, reset: Bool) {
        guard !reset || socket.reset() else { return socket.close() }
        if socket.family == AF_INET6 { inet6.append(socket) } else { inet.append(socket) }
    }

    mutating func closeAll() {
        for socket in inet + inet6 { socket.close() }
        inet = []
        inet6 = []
    }
}
