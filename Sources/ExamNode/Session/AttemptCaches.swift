import ExamEngine
import Synchronization

/// Something derived from a candidate's paper (its item ids, its rendered JSON), kept in
/// memory. A paper never changes once assembled, so entries never go stale; a closed
/// session's entries are dropped so a node that runs for days does not grow without end.
final class PaperCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: [String: Value]]>([:])

    func get(session: String, participant: String) -> Value? { entries.withLock { $0[session]?[participant] } }

    func set(session: String, participant: String, _ value: Value) {
        entries.withLock { $0[session, default: [:]][participant] = value }
    }

    func drop(session: String) { _ = entries.withLock { $0.removeValue(forKey: session) } }
}

/// Which candidate each token hash belongs to. A token never changes owner (a device
/// reset only ends it, which the writer still checks), so entries never go stale.
final class TokenOwners: Sendable {
    private let owners = Mutex<[String: (session: String, participant: String)]>([:])

    func get(_ tokenHash: String) -> (session: String, participant: String)? { owners.withLock { $0[tokenHash] } }

    func set(_ tokenHash: String, session: String, participant: String) { owners.withLock { $0[tokenHash] = (session, participant) } }

    func drop(session: String) { owners.withLock { $0 = $0.filter { $0.value.session != session } } }
}
