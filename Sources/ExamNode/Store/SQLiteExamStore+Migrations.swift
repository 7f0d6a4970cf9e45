import GRDB

/// The store's schema, one migration at a time. Their identifiers are recorded in every
/// node's file: never rename one, add a new one.
extension SQLiteExamStore {
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
        // Candidates sign in with the access code from their exam card: the node keeps only
        // its digest, and no birth date (those of earlier sessions are wiped, not converted).
        migrator.registerMigration("v5-access-codes") { db in
            try db.execute(sql: "ALTER TABLE candidate RENAME COLUMN birth_date TO access_code_digest")
            // secure_delete: the space the dates held is overwritten, not just freed.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "UPDATE candidate SET access_code_digest = ''")
        }
        // Sessions from the portal's signed roster packages: which version of the package
        // last set a session's roster, and a digest of that roster.
        migrator.registerMigration("v6-roster-packages") { db in
            try db.execute(sql: "ALTER TABLE exam_session ADD COLUMN roster_version INTEGER")
            try db.execute(sql: "ALTER TABLE exam_session ADD COLUMN roster_digest TEXT")
        }
        // Results back to the portal: the roster package's period and node (which the
        // results package names), a disqualification's reason, and the signed package of
        // each closed session, kept as made (only its acknowledgement is ever set).
        migrator.registerMigration("v7-results-packages") { db in
            try db.execute(
                sql: """
                    ALTER TABLE exam_session ADD COLUMN roster_period TEXT;
                    ALTER TABLE exam_session ADD COLUMN roster_node TEXT;
                    ALTER TABLE candidate ADD COLUMN disqualified_reason TEXT;
                    CREATE TABLE results_package (
                        session_id TEXT PRIMARY KEY REFERENCES exam_session(id),
                        digest TEXT NOT NULL,
                        envelope BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        delivered_at INTEGER
                    ) WITHOUT ROWID;
                    CREATE TRIGGER results_package_kept BEFORE UPDATE OF session_id, digest, envelope, created_at ON results_package
                        BEGIN SELECT RAISE(ABORT, 'results_package is kept as made'); END;
                    CREATE TRIGGER results_package_not_deleted BEFORE DELETE ON results_package
                        BEGIN SELECT RAISE(ABORT, 'results_package is kept as made'); END;
                    """
            )
        }
        // Scores sent to the portal as candidates finish: when each one went.
        migrator.registerMigration("v8-live-scores") { db in
            try db.execute(
                sql: """
                    ALTER TABLE candidate ADD COLUMN live_sent_at INTEGER;
                    CREATE INDEX candidate_live_unsent ON candidate(finished_at) WHERE finished_at IS NOT NULL AND live_sent_at IS NULL;
                    """
            )
        }
        // A roster loaded in batches: the package version still loading, until the last batch is in.
        migrator.registerMigration("v9-roster-loading") { db in
            try db.execute(sql: "ALTER TABLE exam_session ADD COLUMN roster_loading INTEGER")
        }
        // A score already sent live whose candidate was then disqualified: its withdrawal is
        // sent like a score (live_sent_at cleared, live_withdraw set).
        migrator.registerMigration("v10-live-withdraw") { db in
            try db.execute(sql: "ALTER TABLE candidate ADD COLUMN live_withdraw INTEGER NOT NULL DEFAULT 0")
        }
        // When the portal made the package behind a session's roster: a package of another
        // period made before the newest one loaded is an old one (a stick from last round).
        migrator.registerMigration("v11-roster-created") { db in
            try db.execute(sql: "ALTER TABLE exam_session ADD COLUMN roster_created_at INTEGER")
        }
        // The portal's signed requests already answered (by SHA-256 of the signed payload),
        // kept past their validity so a captured one is refused after a restart too.
        migrator.registerMigration("v12-answered-portal-requests") { db in
            try db.execute(sql: "CREATE TABLE answered_portal_request (digest TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID")
        }
        return migrator
    }
}
