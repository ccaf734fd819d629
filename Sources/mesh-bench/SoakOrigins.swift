import NIOCore
import NIOPosix

/// The origins of `mesh-bench soak`, in the bench's own process: one that behaves and four that
/// do what real ones do when they go wrong.
enum SoakOrigin: String, CaseIterable {
    /// HTTP/1.1, kept alive, 1 KiB bodies with a Content-Length.
    case good
    /// HTTP/1.0 like python's http.server: no length, the body ends when it closes.
    case http10
    /// A 1 MiB header line (the proxy answers 502 past its head limit).
    case hugeHeader = "huge-header"
    /// A head promising 1000 bytes, 100 of them, then a close.
    case halfResponse = "half-response"
    /// Reads the request and never answers (the proxy's request timeout ends it).
    case silent

    /// Share of the requests sent to it, in percent.
    var weight: Int {
        switch self {
        case .good: 50
        case .http10: 20
        case .hugeHeader, .halfResponse, .silent: 10
        }
    }
}

/// Runs every `SoakOrigin` on its own port.
final class SoakOrigins {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private(set) var ports: [SoakOrigin: Int] = [:]
    private var channels: [any Channel] = []

    init() throws {
        for kind in SoakOrigin.allCases {
            let channel = try ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SoakOriginHandler(kind: kind))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).wait()
            channels.append(channel)
            ports[kind] = channel.localAddress?.port
        }
    }

    func stop() {
        for channel in channels { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }
}

/// Reads requests (head, and a body by Content-Length) and answers as its kind does.
private final class SoakOriginHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = String(repeating: "s", count: 1024)
    static let good = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n" + body)
    static let http10 = ByteBuffer(string: "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n\r\n" + body)
    static let hugeHeader: ByteBuffer = {
        var b = ByteBuffer(string: "HTTP/1.1 200 OK\r\nX-Big: ")
        b.writeRepeatingByte(UInt8(ascii: "b"), count: 1 << 20)
        b.writeString("\r\nContent-Length: 2\r\n\r\nok")
        return b
    }()
    static let halfResponse = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "h", count: 100))

    let kind: SoakOrigin
    private var pending = ByteBuffer()

    init(kind: SoakOrigin) { self.kind = kind }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while let length = requestLength() {
            pending.moveReaderIndex(forwardBy: length)
            answer(context)
        }
        pending.discardReadBytes()
    }

    private func answer(_ context: ChannelHandlerContext) {
        switch kind {
        case .good:
            context.writeAndFlush(wrapOutboundOut(Self.good), promise: nil)
        case .http10, .hugeHeader, .halfResponse:
            let response = kind == .http10 ? Self.http10 : kind == .hugeHeader ? Self.hugeHeader : Self.halfResponse
            context.writeAndFlush(wrapOutboundOut(response)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .silent:
            break
        }
    }

    /// Bytes of the first whole request buffered, or nil.
    private func requestLength() -> Int? {
        pending.withUnsafeReadableBytes { p -> Int? in
            guard p.count >= 4 else { return nil }
            for i in 3..<p.count where p[i] == 0x0A && p[i - 1] == 0x0D && p[i - 2] == 0x0A && p[i - 3] == 0x0D {
                let head = String(decoding: UnsafeRawBufferPointer(rebasing: p[0..<i]), as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst(15).trimmingPrefix(" ")) } ?? 0
                return i + 1 + length <= p.count ? i + 1 + length : nil
            }
            return nil
        }
    }
}
