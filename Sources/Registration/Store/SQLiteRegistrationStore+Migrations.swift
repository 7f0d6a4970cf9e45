import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// The registration store's schema, as migrations run on start (never edited once shipped:
/// old stores must migrate).
extension SQLiteRegistrationStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE period (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, json TEXT NOT NULL, next_serial INTEGER NOT NULL DEFAULT 1,
                        created_at INTEGER NOT NULL DEFAULT (unixepoch() * 1000));
                    CREATE TABLE agency (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                    CREATE TABLE formation (
                        id TEXT PRIMARY KEY, period_id TEXT NOT NULL REFERENCES period(id), agency_id TEXT NOT NULL REFERENCES agency(id),
                        position TEXT NOT NULL, unit TEXT NOT NULL, location TEXT NOT NULL, education_level TEXT NOT NULL,
                        majors TEXT NOT NULL, quota INTEGER NOT NULL CHECK (quota > 0), type TEXT NOT NULL, max_age INTEGER NOT NULL,
                        search TEXT NOT NULL);
                    CREATE INDEX formation_period ON formation(period_id, agency_id);
                    CREATE TABLE exam_slot (
                        id TEXT PRIMARY KEY, period_id TEXT NOT NULL REFERENCES period(id), venue TEXT NOT NULL, location TEXT NOT NULL,
                        starts_at INTEGER NOT NULL, session_number INTEGER NOT NULL, capacity INTEGER NOT NULL CHECK (capacity > 0),
                        assigned INTEGER NOT NULL DEFAULT 0, CHECK (assigned <= capacity));
                    CREATE TABLE account (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL REFERENCES period(id), nik TEXT NOT NULL, kk TEXT NOT NULL,
                        name TEXT NOT NULL, birth_place TEXT NOT NULL, birth_date TEXT NOT NULL, sex TEXT NOT NULL, email TEXT NOT NULL,
                        phone TEXT NOT NULL, password_hash TEXT NOT NULL, email_verified INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
                        UNIQUE (period_id, nik), UNIQUE (period_id, email));
                    CREATE TABLE one_time_code (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL REFERENCES account(id), purpose TEXT NOT NULL,
                        code_hash TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
                    CREATE TABLE login_failure (key TEXT NOT NULL, at INTEGER NOT NULL);
                    CREATE INDEX login_failure_key ON login_failure(key, at);
                    CREATE TABLE staff (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, role TEXT NOT NULL, agency_id TEXT REFERENCES agency(id),
                        password_hash TEXT NOT NULL, totp_secret TEXT NOT NULL, last_totp_step INTEGER NOT NULL DEFAULT 0,
                        CHECK ((role = 'verifier') = (agency_id IS NOT NULL)));
                    CREATE TABLE auth_session (
                        token_hash TEXT PRIMARY KEY, account_id INTEGER REFERENCES account(id), staff_id INTEGER REFERENCES staff(id),
                        csrf TEXT NOT NULL, expires_at INTEGER NOT NULL, CHECK ((account_id IS NULL) != (staff_id IS NULL)));
                    CREATE TABLE application (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL UNIQUE REFERENCES account(id),
                        period_id TEXT NOT NULL REFERENCES period(id), formation_id TEXT NOT NULL REFERENCES formation(id),
                        draft TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')), submitted_at INTEGER,
                        result TEXT CHECK (result IN ('MS', 'TMS')), reason_code TEXT, result_note TEXT, verified_by TEXT, verified_at INTEGER,
                        objection_reason TEXT, objection_at INTEGER, objection_answer TEXT, objection_accepted INTEGER, objection_by TEXT,
                        objection_answered_at INTEGER, participant_number TEXT UNIQUE, slot_id TEXT REFERENCES exam_slot(id),
                        updated_at INTEGER NOT NULL);
                    CREATE INDEX application_formation ON application(formation_id, status);
                    CREATE TABLE document (
                        application_id INTEGER NOT NULL REFERENCES application(id), kind TEXT NOT NULL, content_type TEXT NOT NULL,
                        size INTEGER NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL, uploaded_at INTEGER NOT NULL,
                        PRIMARY KEY (application_id, kind));
                    -- Every verification decision, objection and answer, with who and when; never changed.
                    CREATE TABLE verification_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, application_id INTEGER NOT NULL REFERENCES application(id), at INTEGER NOT NULL,
                        by TEXT NOT NULL, kind TEXT NOT NULL, result TEXT, reason_code TEXT, text TEXT NOT NULL);
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
                        action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);
                    CREATE INDEX audit_actor ON audit_log(actor, id);
                    CREATE TABLE mail_outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
                        created_at INTEGER NOT NULL, sent_at INTEGER);
                    """
            )
            for table in ["audit_log", "verification_event"] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        """
                )
            }
        }
        // A slot's time is the venue's: its zone is kept with it (slots from before were WIB).
        migrator.registerMigration("v2-slot-time-zone") { db in
            try db.execute(sql: "ALTER TABLE exam_slot ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'WIB' CHECK (time_zone IN ('WIB', 'WITA', 'WIT'))")
        }
        // The timetable in its own columns (it was one JSON text): a second store reads the
        // same fields, and a window that ends before it opens cannot be stored.
        migrator.registerMigration("v3-period-columns") { db in
            let windows = ["registration", "verification", "exam", "announcement"]
            let columns = windows.map { "\($0)_opens INTEGER NOT NULL, \($0)_closes INTEGER NOT NULL CHECK (\($0)_closes >= \($0)_opens)" }
            try db.execute(
                sql: """
                    CREATE TABLE period_new (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, \(columns.joined(separator: ", ")),
                        objection_days INTEGER NOT NULL CHECK (objection_days BETWEEN 0 AND 30), results_announced_at INTEGER,
                        participant_prefix TEXT NOT NULL, next_serial INTEGER NOT NULL DEFAULT 1,
                        created_at INTEGER NOT NULL DEFAULT (unixepoch() * 1000));
                    INSERT INTO period_new
                    SELECT id, name, \(windows.map { "json_extract(json, '$.\($0).opens'), json_extract(json, '$.\($0).closes')" }.joined(separator: ", ")),
                        json_extract(json, '$.objectionDays'), json_extract(json, '$.resultsAnnouncedAt'), json_extract(json, '$.participantPrefix'),
                        next_serial, created_at
                    FROM period;
                    DROP TABLE period;
                    ALTER TABLE period_new RENAME TO period;
                    """
            )
        }
        // NIK claims: an upheld claim freezes the account that took someone else's NIK, and
        // the owner may then register: a NIK or email is unique among active accounts only.
        migrator.registerMigration("v4-nik-claims") { db in
            try db.execute(
                sql: """
                    CREATE TABLE account_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL REFERENCES period(id), nik TEXT NOT NULL, kk TEXT NOT NULL,
                        name TEXT NOT NULL, birth_place TEXT NOT NULL, birth_date TEXT NOT NULL, sex TEXT NOT NULL, email TEXT NOT NULL,
                        phone TEXT NOT NULL, password_hash TEXT NOT NULL, email_verified INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
                        frozen_at INTEGER, frozen_by_claim INTEGER);
                    INSERT INTO account_new (id, period_id, nik, kk, name, birth_place, birth_date, sex, email, phone, password_hash, email_verified, created_at)
                    SELECT id, period_id, nik, kk, name, birth_place, birth_date, sex, email, phone, password_hash, email_verified, created_at FROM account;
                    DROP TABLE account;
                    ALTER TABLE account_new RENAME TO account;
                    CREATE UNIQUE INDEX account_nik ON account(period_id, nik) WHERE frozen_at IS NULL;
                    CREATE UNIQUE INDEX account_email ON account(period_id, email) WHERE frozen_at IS NULL;
                    CREATE TABLE nik_claim (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL REFERENCES period(id), nik TEXT NOT NULL, kk TEXT NOT NULL,
                        name TEXT NOT NULL, birth_date TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, statement TEXT NOT NULL,
                        held_account_id INTEGER NOT NULL REFERENCES account(id), documents TEXT NOT NULL, filed_at INTEGER NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')), decided_by TEXT, decided_at INTEGER, decision_note TEXT);
                    CREATE UNIQUE INDEX nik_claim_pending ON nik_claim(period_id, nik) WHERE status = 'pending';
                    """
            )
        }
        // The exam nodes of a period and the keys their results must be signed with.
        migrator.registerMigration("v5-exam-nodes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE exam_node (
                        id TEXT NOT NULL, period_id TEXT NOT NULL REFERENCES period(id), venues TEXT NOT NULL, url TEXT NOT NULL,
                        public_key TEXT NOT NULL, registered_at INTEGER NOT NULL, registered_by TEXT NOT NULL, PRIMARY KEY (period_id, id),
                        UNIQUE (period_id, public_key));
                    """
            )
        }
        // Every roster package built for a node, exactly as signed: a node re-importing a
        // version gets the same bytes, and a dispute can show what was sent.
        migrator.registerMigration("v6-roster-packages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE roster_package (
                        period_id TEXT NOT NULL REFERENCES period(id), node_id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
                        content_digest TEXT NOT NULL, envelope BLOB NOT NULL, built_at INTEGER NOT NULL, PRIMARY KEY (period_id, node_id, version));
                    """
            )
        }
        // The nodes' results packages exactly as received, and the results taken from them:
        // one attempt per participant (the partial index refuses a second, whichever
        // session it comes from; being absent from a session one was moved out of is not an
        // attempt); neither is ever changed.
        migrator.registerMigration("v7-results") { db in
            try db.execute(
                sql: """
                    CREATE TABLE results_package (
                        period_id TEXT NOT NULL REFERENCES period(id), session_id TEXT NOT NULL, node_id TEXT NOT NULL, digest TEXT NOT NULL,
                        envelope BLOB NOT NULL, candidates INTEGER NOT NULL, imported_at INTEGER NOT NULL, imported_by TEXT NOT NULL,
                        PRIMARY KEY (period_id, session_id));
                    CREATE TABLE exam_result (
                        period_id TEXT NOT NULL, participant_number TEXT NOT NULL, session_id TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('finished', 'absent', 'disqualified')), reason TEXT, scores TEXT NOT NULL,
                        total INTEGER, passed INTEGER, started_at INTEGER, finished_at INTEGER, paper_fingerprint TEXT NOT NULL,
                        answer_log_digest TEXT NOT NULL, PRIMARY KEY (period_id, participant_number, session_id),
                        FOREIGN KEY (period_id, session_id) REFERENCES results_package(period_id, session_id));
                    CREATE UNIQUE INDEX exam_result_one_attempt ON exam_result(period_id, participant_number) WHERE status != 'absent';
                    CREATE TRIGGER results_package_kept BEFORE UPDATE ON results_package
                        BEGIN SELECT RAISE(ABORT, 'results_package is kept as received'); END;
                    CREATE TRIGGER results_package_not_deleted BEFORE DELETE ON results_package
                        BEGIN SELECT RAISE(ABORT, 'results_package is kept as received'); END;
                    CREATE TRIGGER exam_result_kept BEFORE UPDATE ON exam_result
                        BEGIN SELECT RAISE(ABORT, 'exam_result is kept as received'); END;
                    CREATE TRIGGER exam_result_not_deleted BEFORE DELETE ON exam_result
                        BEGIN SELECT RAISE(ABORT, 'exam_result is kept as received'); END;
                    """
            )
        }
        // Announcements of a stage's results: versioned, chained by digest, never changed;
        // each kept as the file the public downloads.
        migrator.registerMigration("v8-announcements") { db in
            try db.execute(
                sql: """
                    CREATE TABLE announcement (
                        period_id TEXT NOT NULL REFERENCES period(id), stage TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
                        digest TEXT NOT NULL UNIQUE, previous_digest TEXT, content_digest TEXT NOT NULL, published_at INTEGER NOT NULL,
                        created_at INTEGER NOT NULL, created_by TEXT NOT NULL, row_count INTEGER NOT NULL, file BLOB NOT NULL,
                        PRIMARY KEY (period_id, stage, version));
                    CREATE TRIGGER announcement_kept BEFORE UPDATE ON announcement
                        BEGIN SELECT RAISE(ABORT, 'announcement is never changed'); END;
                    CREATE TRIGGER announcement_not_deleted BEFORE DELETE ON announcement
                        BEGIN SELECT RAISE(ABORT, 'announcement is never changed'); END;
                    """
            )
        }
        // An observer is scoped to one period.
        migrator.registerMigration("v9-observers") { db in
            try db.execute(sql: "ALTER TABLE staff ADD COLUMN period_id TEXT REFERENCES period(id)")
        }
        // Scores as the nodes send them while a session runs (provisional; the results
        // package counts): the id orders the live page's events.
        migrator.registerMigration("v10-live-scores") { db in
            try db.execute(
                sql: """
                    CREATE TABLE live_score (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL REFERENCES period(id), session_id TEXT NOT NULL,
                        participant_number TEXT NOT NULL, name TEXT NOT NULL, scores TEXT NOT NULL, total INTEGER NOT NULL, passed INTEGER,
                        finished_at INTEGER NOT NULL, received_at INTEGER NOT NULL, UNIQUE (period_id, session_id, participant_number));
                    CREATE INDEX live_score_by_session ON live_score(period_id, session_id, id);
                    """
            )
        }
        // Re-sits a committee admin granted after an incident; a re-sit's result names the
        // session whose result it replaces, so each attempt stays on record.
        migrator.registerMigration("v11-resits") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resit (
                        period_id TEXT NOT NULL REFERENCES period(id), participant_number TEXT NOT NULL, from_session TEXT NOT NULL,
                        to_session TEXT NOT NULL, reason TEXT NOT NULL, granted_by TEXT NOT NULL, granted_at INTEGER NOT NULL,
                        PRIMARY KEY (period_id, participant_number, from_session));
                    CREATE UNIQUE INDEX resit_to ON resit(period_id, participant_number, to_session);
                    CREATE TRIGGER resit_kept BEFORE UPDATE ON resit BEGIN SELECT RAISE(ABORT, 'resit is kept as granted'); END;
                    CREATE TRIGGER resit_not_deleted BEFORE DELETE ON resit BEGIN SELECT RAISE(ABORT, 'resit is kept as granted'); END;
                    ALTER TABLE exam_result ADD COLUMN resit_of TEXT;
                    DROP INDEX exam_result_one_attempt;
                    CREATE UNIQUE INDEX exam_result_one_attempt ON exam_result(period_id, participant_number, COALESCE(resit_of, '')) WHERE status != 'absent';
                    """
            )
        }
        // A live score taken down (the candidate was disqualified after finishing): the
        // withdrawal is an event of its own, in place of the score.
        migrator.registerMigration("v12-live-withdraw") { db in
            try db.execute(sql: "ALTER TABLE live_score ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0")
        }
        // Each audit line names the period that was current when it was written, so an
        // observer of a period reads that period's lines only. Older lines name none.
        migrator.registerMigration("v13-audit-period") { db in
            try db.execute(sql: "ALTER TABLE audit_log ADD COLUMN period_id TEXT; CREATE INDEX audit_period ON audit_log(period_id, id)")
        }
        // Formations are found without regard to case or accents (`SearchText`): the
        // search text is folded again and the location gets a folded key of its own.
        migrator.registerMigration("v14-search-folded") { db in
            try db.execute(sql: "ALTER TABLE formation ADD COLUMN location_key TEXT NOT NULL DEFAULT ''")
            let rows = try Row.fetchAll(db, sql: "SELECT \(Self.formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id")
            for row in rows {
                let f = try Self.formation(row)
                try db.execute(
                    sql: "UPDATE formation SET search = ?, location_key = ? WHERE id = ?",
                    arguments: [SearchText.formation(f, agencyName: f.agencyName), SearchText.fold(f.location), f.id]
                )
            }
            try db.execute(sql: "CREATE INDEX formation_location ON formation(period_id, location_key)")
        }
        // A scheduled version withdrawn before its time leaves a record of itself (kept,
        // never changed); an announcement is removed only with that record beside it.
        migrator.registerMigration("v15-announcement-withdrawal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE announcement_withdrawal (
                        period_id TEXT NOT NULL, stage TEXT NOT NULL, version INTEGER NOT NULL, digest TEXT NOT NULL,
                        planned_at INTEGER NOT NULL, withdrawn_at INTEGER NOT NULL CHECK (withdrawn_at < planned_at), withdrawn_by TEXT NOT NULL);
                    CREATE TRIGGER announcement_withdrawal_kept BEFORE UPDATE ON announcement_withdrawal
                        BEGIN SELECT RAISE(ABORT, 'a withdrawal is never changed'); END;
                    CREATE TRIGGER announcement_withdrawal_not_deleted BEFORE DELETE ON announcement_withdrawal
                        BEGIN SELECT RAISE(ABORT, 'a withdrawal is never changed'); END;
                    DROP TRIGGER announcement_not_deleted;
                    CREATE TRIGGER announcement_not_deleted BEFORE DELETE ON announcement
                        WHEN NOT EXISTS (SELECT 1 FROM announcement_withdrawal w WHERE w.digest = OLD.digest AND w.planned_at = OLD.published_at)
                        BEGIN SELECT RAISE(ABORT, 'announcement is never changed'); END;
                    """
            )
        }
        // Accommodations count once a verifier confirms them (`Verification.accommodations`).
        // Decisions made before this was asked keep what the applicant asked for.
        migrator.registerMigration("v16-accommodations-confirmed") { db in
            try db.execute(
                sql: """
                    ALTER TABLE application ADD COLUMN accommodations_confirmed TEXT;
                    UPDATE application SET accommodations_confirmed = coalesce(json_extract(draft, '$.accommodations'), '[]') WHERE result = 'MS';
                    """
            )
        }
        // Interview panels (their configuration as JSON) and bookings: one per candidate,
        // one per slot (a panel's start), so the store refuses a double booking itself.
        migrator.registerMigration("v17-interviews") { db in
            try db.execute(
                sql: """
                    CREATE TABLE interview_panel (
                        period_id TEXT NOT NULL, id TEXT NOT NULL, config TEXT NOT NULL, saved_at INTEGER NOT NULL, saved_by TEXT NOT NULL,
                        PRIMARY KEY (period_id, id));
                    CREATE TABLE interview_booking (
                        period_id TEXT NOT NULL, participant_number TEXT NOT NULL, panel_id TEXT NOT NULL,
                        starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
                        sequence INTEGER NOT NULL DEFAULT 0, booked_at INTEGER NOT NULL, moved_at INTEGER,
                        PRIMARY KEY (period_id, participant_number),
                        UNIQUE (period_id, panel_id, starts_at),
                        FOREIGN KEY (period_id, panel_id) REFERENCES interview_panel (period_id, id));
                    CREATE TABLE skb_score (
                        period_id TEXT NOT NULL, participant_number TEXT NOT NULL, component TEXT NOT NULL,
                        marks TEXT NOT NULL, total INTEGER, entered_by TEXT NOT NULL, entered_at INTEGER NOT NULL,
                        PRIMARY KEY (period_id, participant_number, component));
                    """
            )
        }
        migrator.registerMigration("v18-interview-conflicts") { db in
            // A withdrawn booking is kept (its last sequence) so the candidate's calendar
            // gets a CANCEL, and a later booking the same UID with a higher SEQUENCE.
            try db.execute(
                sql: """
                    CREATE TABLE interview_conflict (
                        period_id TEXT NOT NULL, interviewer TEXT NOT NULL, participant_number TEXT NOT NULL,
                        reason TEXT NOT NULL, declared_at INTEGER NOT NULL,
                        PRIMARY KEY (period_id, interviewer, participant_number));
                    CREATE TABLE interview_withdrawal (
                        period_id TEXT NOT NULL, participant_number TEXT NOT NULL, panel_id TEXT NOT NULL,
                        starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, sequence INTEGER NOT NULL,
                        booked_at INTEGER NOT NULL, withdrawn_at INTEGER NOT NULL,
                        PRIMARY KEY (period_id, participant_number));
                    """
            )
        }
        migrator.registerMigration("v19-skb-assessors") { db in
            try db.execute(
                sql: """
                    CREATE TABLE skb_assessor (
                        period_id TEXT NOT NULL, username TEXT NOT NULL, component TEXT NOT NULL, formation_id TEXT NOT NULL,
                        assigned_at INTEGER NOT NULL, assigned_by TEXT NOT NULL,
                        PRIMARY KEY (period_id, username, component, formation_id));
                    """
            )
        }
        return migrator
    }
}
