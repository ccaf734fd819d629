#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Short reasons for the dashboard's detail pane: what an operator would say, not an error dump.
enum CheckFailure {
    static let timeout = "timeout"
    static let closed = "closed"

    static func reason(for error: any Error) -> String {
        switch error {
        case ChannelError.connectTimeout: return timeout
        case let error as IOError: return reason(errno: error.errnoCode)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(for: first.error) }
            return "unresolvable"
        case is SocketAddressError: return "unresolvable"
        case ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed: return closed
        default: return "error"
        }
    }

    static func reason(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "refused"
        case ECONNRESET, EPIPE: "reset"
        case ETIMEDOUT: timeout
        case ENETUNREACH, EHOSTUNREACH: "unreachable"
        case EMFILE, ENFILE: "out of file descriptors"
        case EADDRNOTAVAIL: "no local port"
        default: String(cString: strerror(code))
        }
    }
}
