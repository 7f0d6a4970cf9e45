import Foundation
import GRDB

/// Each session's row and its stopped intervals (pauses, node downtime), which every
/// save reads inside the writer: kept in memory, and dropped by the writer connection
/// itself the moment any statement changes `exam_session`, `session_pause` or
/// `node_downtime` (and on rollback), so a save never reads them older than the
/// transaction it runs in. Filled only inside the writer (`ExamStoreTransaction.sessionClock`).
final class SessionClockCache: TransactionObserver, @unchecked Sendable {
    // Guarded by `lock`; the values are immutable copies, safe to share.
    private let lock = NSLock()
    private var entries: [String: SessionClock] = [:]
    private static let tables: Set<String> = ["exam_session", "session_pause", "node_downtime"]

    /// The kept value, or what `load` finds (kept unless nil).
    func value(_ id: String, load: () throws -> SessionClock?) rethrows -> SessionClock? {
        if let found = lock.withLock({ entries[id] }) { return found }
        guard let loaded = try load() else { return nil }
        lock.withLock { entries[id] = loaded }
        return loaded
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Self.tables.contains(eventKind.tableName) }

    func databaseDidChange(with event: DatabaseEvent) { lock.withLock { entries.removeAll() } }

    func databaseDidCommit(_ db: Database) {}

    func databaseDidRollback(_ db: Database) { lock.withLock { entries.removeAll() } }
}
