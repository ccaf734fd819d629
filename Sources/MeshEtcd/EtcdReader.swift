import NIOCore
import NIOHTTP1

/// Reads one etcd answer: whole (a unary call) or line by line (a watch's stream of JSON
/// objects, one per line, possibly split across reads).
final class EtcdReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private enum Mode {
        case whole(EventLoopPromise<[UInt8]>)
        case lines(@Sendable ([UInt8]) throws -> Void, ended: EventLoopPromise<Void>)
    }

    private let mode: Mode
    private var status = 0
    private var body: [UInt8] = []

    init(whole answer: EventLoopPromise<[UInt8]>) { mode = .whole(answer) }
    init(lines: @escaping @Sendable ([UInt8]) throws -> Void, ended: EventLoopPromise<Void>) {
        mode = .lines(lines, ended: ended)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var bytes):
            body += bytes.readBytes(length: bytes.readableBytes) ?? []
            if case .lines(let onLine, _) = mode, status == 200 {
                do {
                    while let newline = body.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = Array(body[..<newline])
                        body.removeSubrange(...newline)
                        if !line.isEmpty { try onLine(line) }
                    }
                } catch {
                    finish(context, failing: error)
                }
            }
        case .end:
            if status != 200 {
                finish(context, failing: EtcdError("etcd answered HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))"))
                return
            }
            switch mode {
            case .whole(let answer): answer.succeed(body)
            case .lines(_, let ended): ended.fail(EtcdError("etcd ended the watch"))
            }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch mode {
        case .whole(let answer): answer.fail(EtcdError("etcd closed the connection before answering"))
        case .lines(_, let ended): ended.succeed(())
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, failing: error)
    }

    private func finish(_ context: ChannelHandlerContext, failing error: any Error) {
        switch mode {
        case .whole(let answer): answer.fail(error)
        case .lines(_, let ended): ended.fail(error)
        }
        context.close(promise: nil)
    }
}
