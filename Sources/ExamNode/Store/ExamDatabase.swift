import Foundation
public import GRDB
import SeleksiStorage

/// The exam node's own store: one SQLite file (WAL, `synchronous=FULL`), used by
/// nothing else. Every write a client is told succeeded is committed to disk first.
public struct ExamDatabase: Sendable {
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
    public static func open(path: String) throws -> ExamDatabase {
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
        let database = ExamDatabase(writer: pool)
        try database.migrator.migrate(pool)
        return database
    }

    var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE exam_session (
                        id TEXT PRIMARY KEY,
                        venue TEXT NOT NULL,
                        rule_set_id TEXT NOT NULL,
                        scheduled_start INTEGER NOT NULL,
                        pin TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('created', 'open', 'closed')),
                        opened_at INTEGER,
                        closed_at INTEGER,
                        extension_ms INTEGER NOT NULL DEFAULT 0 CHECK (extension_ms >= 0),
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE session_pause (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        session_id TEXT NOT NULL REFERENCES exam_session(id),
                        from_ms INTEGER NOT NULL,
                        to_ms INTEGER
                    );
                    CREATE TABLE node_downtime (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        from_ms INTEGER NOT NULL,
                        to_ms INTEGER NOT NULL CHECK (to_ms >= from_ms)
                    );
                    CREATE TABLE candidate (
                        session_id TEXT NOT NULL REFERENCES exam_session(id),
                        participant_number TEXT NOT NULL,
                        name TEXT NOT NULL,
                        formation_type TEXT NOT NULL,
                        birth_date TEXT NOT NULL,
                        accommodations TEXT NOT NULL,
                        allowed_ms INTEGER NOT NULL CHECK (allowed_ms > 0),
                        extension_ms INTEGER NOT NULL DEFAULT 0 CHECK (extension_ms >= 0),
                        paper TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        device TEXT,
                        failed_logins INTEGER NOT NULL DEFAULT 0,
                        locked_until INTEGER,
                        started_at INTEGER,
                        finished_at INTEGER,
                        finish_reason TEXT,
                        score TEXT,
                        PRIMARY KEY (session_id, participant_number)
                    );
                    CREATE INDEX candidate_by_number ON candidate(participant_number);
                    CREATE TABLE candidate_token (
                        token_hash TEXT PRIMARY KEY,
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        device TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        FOREIGN KEY (session_id, participant_number) REFERENCES candidate(session_id, participant_number)
                    );
                    CREATE TABLE answer_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        item_id TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('answer', 'clear', 'doubt', 'undoubt')),
                        option_id TEXT,
                        client_seq INTEGER NOT NULL CHECK (client_seq > 0),
                        server_ms INTEGER NOT NULL,
                        UNIQUE (session_id, participant_number, client_seq),
                        FOREIGN KEY (session_id, participant_number) REFERENCES candidate(session_id, participant_number)
                    );
                    CREATE TRIGGER answer_log_append_only_update BEFORE UPDATE ON answer_log
                        BEGIN SELECT RAISE(ABORT, 'answer_log is append-only'); END;
                    CREATE TRIGGER answer_log_append_only_delete BEFORE DELETE ON answer_log
                        BEGIN SELECT RAISE(ABORT, 'answer_log is append-only'); END;
                    CREATE TABLE current_answer (
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        item_id TEXT NOT NULL,
                        option_id TEXT,
                        answer_seq INTEGER NOT NULL DEFAULT 0,
                        doubtful INTEGER NOT NULL DEFAULT 0,
                        doubt_seq INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (session_id, participant_number, item_id)
                    );
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at_ms INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        session_id TEXT,
                        participant_number TEXT,
                        details TEXT NOT NULL DEFAULT ''
                    );
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    CREATE TABLE heartbeat (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        at_ms INTEGER NOT NULL
                    );
                    CREATE TABLE proctor (
                        username TEXT PRIMARY KEY,
                        password_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE proctor_token (
                        token_hash TEXT PRIMARY KEY,
                        username TEXT NOT NULL REFERENCES proctor(username),
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    """
            )
        }
        // Rows a save touches, kept small and together. A candidate's paper moves to its
        // own table: inline, it made every candidate row span overflow pages, and the
        // columns after it (device, started_at, finished_at) could only be read by walking
        // them. The answer log and current answers are clustered by candidate (WITHOUT
        // ROWID): a save writes one page in each instead of a table page plus an index page.
        migrator.registerMigration("v2-small-rows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE candidate_paper (
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        paper TEXT NOT NULL,
                        PRIMARY KEY (session_id, participant_number),
                        FOREIGN KEY (session_id, participant_number) REFERENCES candidate(session_id, participant_number)
                    );
                    INSERT INTO candidate_paper (session_id, participant_number, paper) SELECT session_id, participant_number, paper FROM candidate;
                    ALTER TABLE candidate DROP COLUMN paper;

                    CREATE TABLE answer_log_by_candidate (
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        client_seq INTEGER NOT NULL CHECK (client_seq > 0),
                        item_id TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('answer', 'clear', 'doubt', 'undoubt')),
                        option_id TEXT,
                        server_ms INTEGER NOT NULL,
                        PRIMARY KEY (session_id, participant_number, client_seq),
                        FOREIGN KEY (session_id, participant_number) REFERENCES candidate(session_id, participant_number)
                    ) WITHOUT ROWID;
                    INSERT INTO answer_log_by_candidate (session_id, participant_number, client_seq, item_id, kind, option_id, server_ms)
                        SELECT session_id, participant_number, client_seq, item_id, kind, option_id, server_ms FROM answer_log;
                    DROP TABLE answer_log;
                    ALTER TABLE answer_log_by_candidate RENAME TO answer_log;
                    CREATE TRIGGER answer_log_append_only_update BEFORE UPDATE ON answer_log
                        BEGIN SELECT RAISE(ABORT, 'answer_log is append-only'); END;
                    CREATE TRIGGER answer_log_append_only_delete BEFORE DELETE ON answer_log
                        BEGIN SELECT RAISE(ABORT, 'answer_log is append-only'); END;

                    CREATE TABLE current_answer_by_candidate (
                        session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL,
                        item_id TEXT NOT NULL,
                        option_id TEXT,
                        answer_seq INTEGER NOT NULL DEFAULT 0,
                        doubtful INTEGER NOT NULL DEFAULT 0,
                        doubt_seq INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (session_id, participant_number, item_id)
                    ) WITHOUT ROWID;
                    INSERT INTO current_answer_by_candidate
                        SELECT session_id, participant_number, item_id, option_id, answer_seq, doubtful, doubt_seq FROM current_answer;
                    DROP TABLE current_answer;
                    ALTER TABLE current_answer_by_candidate RENAME TO current_answer;
                    """
            )
        }
        // Why the sweeper could not finish an attempt (shown to the proctor until it can).
        // A candidate who never started is finished as absent (finish_reason 'absent', no score).
        migrator.registerMigration("v3-finish-problem") { db in
            try db.execute(sql: "ALTER TABLE candidate ADD COLUMN finish_problem TEXT")
        }
        // Proctors sign in with an authenticator code too, and reach only their sessions:
        // those assigned to them, or every session of the venue they are set to. An account
        // from before has no secret and must be reset (`seleksi exam-node proctor`).
        migrator.registerMigration("v4-proctor-scope") { db in
            try db.execute(
                sql: """
                    ALTER TABLE proctor ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
                    ALTER TABLE proctor ADD COLUMN last_totp_step INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE proctor ADD COLUMN venue TEXT;
                    CREATE TABLE proctor_assignment (
                        username TEXT NOT NULL REFERENCES proctor(username),
                        session_id TEXT NOT NULL REFERENCES exam_session(id),
                        PRIMARY KEY (username, session_id)
                    ) WITHOUT ROWID;
                    """
            )
        }
        return migrator
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

/// Each session's row and its stopped intervals (pauses, node downtime), which every
/// save reads inside the writer: kept in memory, and dropped by the writer connection
/// itself the moment any statement changes `exam_session`, `session_pause` or
/// `node_downtime` (and on rollback), so a save never reads them older than the
/// transaction it runs in. Filled only inside the writer.
final class SessionClockCache: TransactionObserver, @unchecked Sendable {
    // Guarded by `lock`; rows fetched with `Row.fetchOne` are copies, safe to share.
    private let lock = NSLock()
    private var entries: [String: (session: Row, stopped: [StoppedInterval])] = [:]
    private static let tables: Set<String> = ["exam_session", "session_pause", "node_downtime"]

    func value(_ id: String, load: () throws -> (session: Row, stopped: [StoppedInterval])) rethrows -> (session: Row, stopped: [StoppedInterval]) {
        if let found = lock.withLock({ entries[id] }) { return found }
        let loaded = try load()
        lock.withLock { entries[id] = loaded }
        return loaded
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Self.tables.contains(eventKind.tableName) }

    func databaseDidChange(with event: DatabaseEvent) { lock.withLock { entries.removeAll() } }

    func databaseDidCommit(_ db: Database) {}

    func databaseDidRollback(_ db: Database) { lock.withLock { entries.removeAll() } }
}
