import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// The registration store on one SQLite file (GRDB, WAL, `synchronous=FULL`): the
/// embedded default. It is a different file from any exam node's store.
public struct SQLiteRegistrationStore: RegistrationStore {
    let writer: any DatabaseWriter
    /// Every write commits through this: concurrent applicants share one fsync, each
    /// operation still all or nothing in its own savepoint.
    let grouped: GroupCommitWriter
    /// The current period, read by nearly every request: kept for a second, and
    /// replaced at once when this process saves one (another instance sees it within the second).
    let periodCache: TTLCache<SelectionPeriod?>
    /// Formations by id, read by every save of an application form.
    let formationCache: TTLCache<Formation?>

    init(writer: any DatabaseWriter, grouped: GroupCommitWriter, clock: any ServerClock) {
        self.writer = writer
        self.grouped = grouped
        periodCache = TTLCache(clock: clock, lifetimeMilliseconds: 1_000)
        formationCache = TTLCache(clock: clock, lifetimeMilliseconds: 1_000)
    }

    /// `clock`: what the caches' second is measured on (the service's clock).
    public static func open(path: String, clock: any ServerClock = SystemClock()) throws -> SQLiteRegistrationStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The portal's `Checkpointer` keeps the WAL short; this is only the safety net.
            try db.execute(sql: Checkpointer.safetyNetPragma)
        }
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 16
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return SQLiteRegistrationStore(writer: pool, grouped: GroupCommitWriter(writer: pool), clock: clock)
    }

    /// The store's file.
    public var path: String { writer.path }

    /// The WAL is copied back from a connection of its own (see `Checkpointer`).
    public func maintenance(logger: Logger) -> [any Service] { [Checkpointer(path: path, logger: logger)] }

    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    static func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func insertAudit(_ db: Database, _ entry: AuditEntry?) throws {
        guard let entry else { return }
        try db.execute(
            sql: """
                INSERT INTO audit_log (at, actor, role, action, subject, detail, period_id)
                VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM period ORDER BY created_at DESC, rowid DESC LIMIT 1))
                """,
            arguments: [entry.at, entry.actor, entry.role, entry.action, entry.subject, entry.detail]
        )
    }
}
