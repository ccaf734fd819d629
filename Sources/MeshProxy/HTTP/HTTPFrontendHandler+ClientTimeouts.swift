import MeshCore
import MeshHTTP1
import NIOCore

// MARK: Waiting on the client: head, keep-alive and send timeouts

extension HTTPFrontendHandler {
    /// What the connection waits for from its client, which says which timeout bounds the wait.
    /// One deadline per connection, moved by assignment and read by the loop's ticker (as
    /// HAProxy's `expire` fields are): no timer is scheduled per request.
    enum ClientWait {
        /// Nothing: a request is under way (its body is bounded by the request timeout).
        case none
        /// A request head: from the accept, or from the first byte of a later head; bytes that
        /// follow never move it (HAProxy's `timeout http-request`).
        case head
        /// The next request, from the end of the last response (HAProxy's `timeout
        /// http-keep-alive`, Envoy's `idle_timeout`); empty lines before a head do not move it.
        case keepAlive
        /// The client to take bytes held for it (nginx's `send_timeout`: the time between two
        /// writes that make progress).
        case send
    }

    func awaitHead(now: NIODeadline) {
        clientWait = .head
        clientDeadline = now + loop.clientHeadTimeout
    }

    func awaitNextRequest(now: NIODeadline) {
        clientWait = .keepAlive
        clientDeadline = now + loop.clientIdleTimeout
    }

    /// A request head has come whole: its request is bounded by other timeouts now.
    @inline(__always)
    func awaitNothing() {
        guard clientWait != .send else { return }
        clientWait = .none
        clientDeadline = .distantFuture
    }

    /// The client's connection stopped taking bytes (NIO's buffer passed its high-water mark, or
    /// a response sat unread in it past the keep-alive timeout).
    func awaitReading(now: NIODeadline) {
        clientWait = .send
        sendMark = bufferedForClient
        clientDeadline = now + loop.clientSendTimeout
    }

    /// The client reads again: the wait is for what the exchange waits for.
    func stopAwaitingReading(now: NIODeadline) {
        guard clientWait == .send else { return }
        clientWait = .none
        clientDeadline = .distantFuture
        guard exchange.state == .idle, !closing else { return }
        if reader.bufferedBytes > 0 { awaitHead(now: now) } else { awaitNextRequest(now: now) }
    }

    /// Bytes NIO holds for the client that the kernel has not taken yet.
    var bufferedForClient: Int {
        (try? context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
    }

    /// Bytes held in user space: read and not passed on, written and not taken by the kernel.
    var bytesHeld: Int { reader.bufferedBytes + (heldWrite?.readableBytes ?? 0) + bufferedForClient }

    /// The loop's ticker found `clientDeadline` passed.
    func clientTimedOut(now: NIODeadline) {
        switch clientWait {
        case .none:
            clientDeadline = .distantFuture
        case .head:
            loop.listenerCounters.headTimeouts &+= 1
            headTimedOut()
        case .keepAlive:
            // A response still going out is not idleness: whether its reader keeps up is the
            // send timeout's to judge. The keep-alive timeout never cuts a response short.
            if bufferedForClient > 0 { return awaitReading(now: now) }
            loop.listenerCounters.idleTimeouts &+= 1
            clientDeadline = .distantFuture
            // Closed without a word, as HAProxy does when `timeout http-keep-alive` expires.
            apply(exchange.headTimedOut(received: false))
        case .send:
            let held = bufferedForClient
            if held == 0 { return stopAwaitingReading(now: now) }
            if held < sendMark {
                // Some went out since: a slow reader, not a stopped one.
                sendMark = held
                clientDeadline = now + loop.clientSendTimeout
                return
            }
            sendTimedOut()
        }
    }

    func headTimedOut() {
        clientWait = .none
        clientDeadline = .distantFuture
        let received = reader.bufferedBytes > 0
        if logging, received, exchange.state == .idle { logRejected() }
        apply(exchange.headTimedOut(received: received))
    }

    /// The client took nothing for the send timeout: both connections close at once (what is held
    /// for it is dropped: it would never be read), flag `SI` as Envoy's stream idle timeout, and
    /// the endpoint is not blamed (no error, no outcome: its answer was there).
    func sendTimedOut() {
        clientWait = .none
        clientDeadline = .distantFuture
        loop.listenerCounters.sendTimeouts &+= 1
        if exchange.state != .idle && exchange.state != .closed {
            finishAttempt(success: true, report: false, status: 0)
            if logging { logEnd(status: exchange.state == .awaitingResponse ? 0 : exchange.status, flags: .streamIdleTimeout) }
        }
        exchange.closing()
        closing = true
        generation &+= 1
        dropUpstream()
        heldWrite = nil
        clientNeedsFlush = false
        context?.close(promise: nil)
    }
}
