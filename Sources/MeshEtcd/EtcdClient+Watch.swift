import Foundation
import NIOCore
import NIOConcurrencyHelpers

extension EtcdClient {
    /// Follows every change under `prefix` after `revision`. `onEvents` runs on an event loop
    /// for each batch, in revision order (a batch holds whole revisions: a lease's expiry,
    /// which deletes all its keys at once, comes as one batch). The first member to take the
    /// watch within `timeout` keeps it; see `EtcdWatch` for how it ends.
    public func watch(prefix: String, after revision: Int64, onEvents: @escaping @Sendable ([EtcdEvent]) -> Void) -> EtcdWatch {
        let watch = EtcdWatch(after: revision, promise: transport.group.next().makePromise())
        open(watch, prefix: prefix, renewingToken: true, onEvents: onEvents)
        return watch
    }

    /// Opens the watch with the auth token when etcd wants one; a refused token is renewed
    /// once (`renewingToken`).
    private func open(_ watch: EtcdWatch, prefix: String, renewingToken: Bool, onEvents: @escaping @Sendable ([EtcdEvent]) -> Void) {
        guard cluster.credentials != nil else {
            return open(watch, prefix: prefix, token: nil, renewingToken: false, members: memberOrder, failures: [], onEvents: onEvents)
        }
        currentToken().whenComplete { result in
            switch result {
            case .success(let token):
                self.open(watch, prefix: prefix, token: token, renewingToken: renewingToken, members: self.memberOrder, failures: [],
                          onEvents: onEvents)
            case .failure(let error):
                watch.finish(.failure(error))
            }
        }
    }

    private func open(_ watch: EtcdWatch, prefix: String, token: String?, renewingToken: Bool, members: [Int], failures: [String],
                      onEvents: @escaping @Sendable ([EtcdEvent]) -> Void) {
        guard let index = members.first else {
            return watch.finish(.failure(EtcdError("cannot reach etcd: \(failures.joined(separator: "; "))", kind: .unreachable)))
        }
        let member = cluster.members[index]
        let request = WatchCreate(create_request: .init(key: Self.base64(prefix), range_end: Self.prefixEnd(prefix),
                                                        start_revision: watch.revision + 1, progress_notify: true))
        // Our own request type: encoding it cannot fail.
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        let loop = transport.group.next()
        let opened = loop.makePromise(of: Void.self)
        let stream = transport.stream("/v3/watch", body: body, to: member, authorization: token, connectTimeout: timeout) { line in
            // A line that is not a watch answer (a keep-alive, say) carries nothing to apply.
            guard let answer = try? JSONDecoder().decode(WatchAnswer.self, from: Data(line)) else { return }
            if let error = answer.error {
                let words = error.message ?? error.error ?? "error"
                throw EtcdError("etcd watch at \(member): \(words)", kind: .answered(status: words.contains("auth token") ? 401 : 500))
            }
            guard let result = answer.result else { return }
            if let compacted = result.compact_revision.flatMap({ Int64($0) }), compacted > 0 {
                throw EtcdError("etcd has compacted the revisions after \(watch.revision) away (to \(compacted))",
                                kind: .compacted(revision: compacted))
            }
            if result.canceled == true {
                throw EtcdError("etcd at \(member) cancelled the watch: \(result.cancel_reason ?? "no reason given")")
            }
            if result.created == true { return opened.succeed(()) }
            let events: [EtcdEvent] = (result.events ?? []).compactMap { event in
                guard let kv = event.kv else { return nil }
                let pair = Self.pair(kv)
                return event.type == "DELETE" ? .delete(key: pair.key, revision: pair.modRevision) : .put(pair)
            }
            if events.isEmpty {
                // A progress notification: nothing happened up to its header's revision.
                if let revision = result.header?.revision.flatMap({ Int64($0) }) { watch.advance(to: revision) }
                return
            }
            onEvents(events)
            watch.advance(to: events.map(\.revision).max() ?? 0)
        }
        guard watch.attach(stream) else { return stream.cancel() }
        // A member that takes the connection but never answers (frozen) is passed over.
        let timer = loop.scheduleTask(in: timeout) {
            opened.fail(EtcdError("\(member): no answer to /v3/watch in \(self.timeout.nanoseconds / 1_000_000_000) s", kind: .unreachable))
        }
        opened.futureResult.whenComplete { result in
            timer.cancel()
            switch result {
            case .success:
                self.prefer(index)
                watch.opened(on: member)
                stream.ended.whenComplete { result in
                    // The member went away mid-stream: the watch stopped, to resume elsewhere.
                    if case .failure(let error as EtcdError) = result, error.isMemberFailure { return watch.finish(.success(())) }
                    watch.finish(result)
                }
            case .failure(let error as EtcdError) where error.isMemberFailure:
                stream.cancel()
                self.open(watch, prefix: prefix, token: token, renewingToken: renewingToken, members: Array(members.dropFirst()),
                          failures: failures + [error.description], onEvents: onEvents)
            case .failure(let error as EtcdError) where error.isAuthFailure && renewingToken:
                stream.cancel()
                self.token.withLockedValue { if $0 == token { $0 = nil } }
                self.open(watch, prefix: prefix, renewingToken: false, onEvents: onEvents)
            case .failure(let error):
                watch.finish(.failure(error))
            }
        }
        // Ended before it opened: why decides whether the next member is tried.
        stream.ended.whenComplete { result in
            switch result {
            case .success: opened.fail(EtcdError("\(member): closed the watch before it started", kind: .unreachable))
            case .failure(let error): opened.fail(error)
            }
        }
    }
}

extension EtcdEvent {
    /// The revision of the change.
    public var revision: Int64 {
        switch self {
        case .put(let pair): pair.modRevision
        case .delete(_, let revision): revision
        }
    }
}
