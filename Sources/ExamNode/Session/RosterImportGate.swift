import Synchronization

/// Lets one roster import run at a time: two large packages at once would double the
/// memory and the writer's load, and the checks an import makes before it writes hold
/// only while no other import places participants.
final class RosterImportGate: Sendable {
    private let running = Mutex(false)

    /// False when another import is running.
    func begin() -> Bool {
        running.withLock { running in
            guard !running else { return false }
            running = true
            return true
        }
    }

    func end() { running.withLock { $0 = false } }
}
