import Synchronization

/// A counter per session that moves whenever the proctor changes what every candidate's
/// page shows (pause, resume, more time, close, a candidate's device or time). The exam
/// page asks for it every few seconds, which costs the node one indexed read (the token),
/// and fetches its full state only when it moved: a pause shows at once, not at the next refresh.
/// Kept in memory only: after a restart every page sees a new value and refreshes once.
final class SessionPulses: Sendable {
    private let counters = Mutex<[String: Int]>([:])
    /// Differs between runs of the node, so a restart never repeats an old value.
    private let epoch = Int.random(in: 1...1_000_000) * 1_000

    func value(session: String) -> Int { counters.withLock { epoch + $0[session, default: 0] } }

    func bump(session: String) { counters.withLock { $0[session, default: 0] += 1 } }
}
