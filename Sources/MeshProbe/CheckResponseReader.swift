import MeshHTTP1
import NIOCore

/// Reads a check's answer with the HTTP/1 reader the proxy uses, to learn its status and
/// whether the connection can be reused: nothing else of the response matters to a check.
struct CheckResponseReader {
    enum Outcome: Equatable {
        case needMore
        /// The whole response has been read (or, for a body that runs until close, its head).
        case complete(status: Int, keepAlive: Bool)
        case malformed(String)
    }

    /// A head larger than this is not a health endpoint's answer.
    static let limits = HTTP1Limits(maxHeadBytes: 16 * 1024)

    private var reader = HTTP1Reader(limits: CheckResponseReader.limits)
    private var status = 0
    private var keepAlive = true
    private var inBody = false
    /// True once any byte of the current response has been seen: a connection closed before that
    /// may just have been a stale keep-alive connection, worth one retry.
    private(set) var hasStarted = false

    /// Ready for the next response on the same connection.
    mutating func reset() {
        reader = HTTP1Reader(limits: Self.limits)
        status = 0; keepAlive = true; inBody = false; hasStarted = false
    }

    mutating func feed(_ input: inout ByteBuffer) -> Outcome {
        if input.readableBytes > 0 { hasStarted = true }
        reader.append(&input)
        do {
            if !inBody {
                guard let head = try readFinalHead() else { return .needMore }
                status = head.status
                keepAlive = head.keepsConnection
                // A body that runs until close (or a 101) cannot be waited for: the head says it all.
                guard head.status != 101, !reader.body.isUntilClose else {
                    return .complete(status: status, keepAlive: false)
                }
                inBody = true
            }
            while try reader.readBody() != nil {}
        } catch {
            return .malformed(error.reason)
        }
        guard reader.bodyComplete else { return .needMore }
        // A check never pipelines: bytes after the response mean the connection is out of step.
        return .complete(status: status, keepAlive: keepAlive && reader.bufferedBytes == 0)
    }

    /// Skips 1xx heads (RFC 9110 §15.2) to the final one.
    private mutating func readFinalHead() throws(HTTP1Violation) -> ResponseHead? {
        while let (head, _) = try reader.readResponseHead(requestMethod: .get) {
            if head.status >= 200 || head.status == 101 { return head }
        }
        return nil
    }
}
