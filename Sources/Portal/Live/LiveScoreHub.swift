import Foundation
import Registration

/// Fans the live scores of a session out to everyone watching it: one reader of the store
/// per session (every quarter of a second while anyone watches), however many watch, so
/// ten thousand readers cost one query, and a score another portal instance received
/// arrives within that quarter second. A score this instance received goes out at once.
actor LiveScoreHub {
    private struct Feed {
        var last: Int64
        var watchers: [UUID: AsyncStream<[LiveScore]>.Continuation] = [:]
        var reader: Task<Void, Never>?
        var quietPolls = 0
    }

    let service: RegistrationService
    private var feeds: [String: Feed] = [:]
    static let pollMilliseconds: UInt64 = 250
    /// An empty batch (a keep-alive for the connection) after this many quiet polls: 15 s.
    static let keepAlivePolls = 60

    init(service: RegistrationService) { self.service = service }

    /// Scores of `session` after event `after` as they come; an empty batch now and then
    /// keeps the connection open. The stream ends when the watcher leaves.
    func watch(session: String, after: Int64) -> AsyncStream<[LiveScore]> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[LiveScore]>.makeStream(bufferingPolicy: .bufferingNewest(1_024))
        continuation.onTermination = { _ in Task { await self.leave(session: session, id: id) } }
        // A new feed reads from the start of the session (each watcher skips what it has):
        // never from a client's `after`, which could put everyone else past every score.
        var feed = feeds[session] ?? Feed(last: 0)
        feed.watchers[id] = continuation
        if feed.reader == nil {
            feed.reader = Task { await self.read(session: session) }
        }
        feeds[session] = feed
        return stream
    }

    /// A score arrived here: send it now rather than at the next poll.
    func arrived(session: String) async { await poll(session) }

    private func leave(session: String, id: UUID) {
        feeds[session]?.watchers[id] = nil
        if feeds[session]?.watchers.isEmpty == true {
            feeds[session]?.reader?.cancel()
            feeds[session] = nil
        }
    }

    private func read(session: String) async {
        while !Task.isCancelled, feeds[session] != nil {
            await poll(session)
            try? await Task.sleep(nanoseconds: Self.pollMilliseconds * 1_000_000)
        }
    }

    private func poll(_ session: String) async {
        guard let feed = feeds[session] else { return }
        let new = (try? await service.liveScores(sessionID: session, after: feed.last)) ?? []
        guard var current = feeds[session] else { return }
        if let last = new.last?.id, last > current.last {
            current.last = last
            current.quietPolls = 0
            for watcher in current.watchers.values { watcher.yield(new) }
        } else {
            current.quietPolls += 1
            if current.quietPolls >= Self.keepAlivePolls {
                current.quietPolls = 0
                for watcher in current.watchers.values { watcher.yield([]) }
            }
        }
        feeds[session] = current
    }
}
