import Foundation
import GRDB
import Logging
import SeleksiStorage
import ServiceLifecycle

/// The exam node's own store: one SQLite file (WAL, `synchronous=FULL`), used by
/// nothing else. Every write a client is told succeeded is committed to disk first.
/// All of the node's SQL is here and in the `SQLiteExamTransaction` extensions beside it.
public struct SQLiteExamStore: ExamStore {
    let writer: any DatabaseWriter
    /// The candidates' hot path (login, start, answers) commits through this.
    let grouped: GroupCommitWriter
    /// Each session's row and stopped intervals as the writer last saw them.
    let sessionClocks = SessionClockCache()

    init(writer: any DatabaseWriter) {
        self.writer = writer
        self.grouped = GroupCommitWriter(writer: writer)
        writer.add(transactionObserver: sessionClocks, extent: .databaseLifetime)
    }

    /// The page size of a new store, in bytes.
    static let pageSize = 1024

    /// The store's file.
    public var path: String { writer.path }

    /// Opens (creating if needed) the store at `path` and runs the migrations.
    public static func open(path: String) throws -> SQLiteExamStore {
        if !FileManager.default.fileExists(atPath: path) {
            // 1 KB pages, fixed when the file is made (a WAL database keeps its page size).
            // A save changes a few dozen bytes in two pages, the candidate's answer log and
            // current answers, and each changed page is written whole to the WAL at commit
            // (and again to the file at the checkpoint). Once a room has answered most of
            // a 110-item paper, that is 9 KB of WAL per save with 4 KB pages and 4.2 KB
            // with 1 KB pages (the same saves replayed on both).
            try DatabaseQueue(path: path).writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = \(pageSize)")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk (WAL fsync'd) before it returns, so an
            // acknowledged answer survives a power cut, not only a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The `Checkpointer` keeps the WAL short; this is only the safety net.
            try db.execute(sql: Checkpointer.safetyNetPragma)
            // SQLite's default page cache (2 MB per connection) on purpose. With 64 MB, a
            // loop of SQLite's page cache (in pcache1, over its whole hash table) took 5% of
            // the node's CPU during saves; at 2 MB it takes 0.2%, and the pages a save misses
            // come from the OS page cache for 0.6%. (Small rows made that possible: papers
            // have their own table, see migration v2.)
        }
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        let store = SQLiteExamStore(writer: pool)
        let applied = try pool.read { db in try store.migrator.appliedIdentifiers(db) }
        try store.migrator.migrate(pool)
        // The birth dates v5 wiped must not linger in free pages or the WAL either.
        if !applied.isEmpty, !applied.contains("v5-access-codes") {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
        return store
    }

    /// The WAL is copied back from a connection of its own (see `Checkpointer`).
    func maintenance(logger: Logger) -> [any Service] { [Checkpointer(path: path, logger: logger)] }

    func read<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreReading) throws -> T) async throws -> T {
        let clocks = sessionClocks
        return try await writer.read { db in try body(SQLiteExamTransaction(db: db, clocks: clocks)) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreTransaction) throws -> T) async throws -> T {
        let clocks = sessionClocks
        return try await writer.write { db in try body(SQLiteExamTransaction(db: db, clocks: clocks)) }
    }

    func groupWrite<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreTransaction) throws -> T) async throws -> T {
        let clocks = sessionClocks
        return try await grouped.write { db in try body(SQLiteExamTransaction(db: db, clocks: clocks)) }
    }

    /// The single-row SQLite commit rate at this store's durability setting: the
    /// physical ceiling the exam benchmark compares saves/s with.
    public func measureCommitCeiling(commits: Int) async throws -> Double {
        try await writer.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS ceiling_probe (id INTEGER PRIMARY KEY, at INTEGER)")
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for index in 0..<commits {
                try await writer.write { db in
                    try db.execute(sql: "INSERT INTO ceiling_probe (at) VALUES (?)", arguments: [index])
                }
            }
        }
        try await writer.write { db in try db.execute(sql: "DROP TABLE ceiling_probe") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(commits) / seconds
    }
}

/// One transaction (or read) on the SQLite store: the store's SQL, by concern, in the
/// extensions `SQLiteExamStore+Sessions`, `+Attempts`, `+Proctors` and `+Audit`. Two
/// references, so handing it over as `any ExamStoreTransaction` allocates nothing.
struct SQLiteExamTransaction: ExamStoreTransaction {
    let db: Database
    let clocks: SessionClockCache

    func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        // A savepoint that committed ran `body` to its end.
        return result!
    }
}
