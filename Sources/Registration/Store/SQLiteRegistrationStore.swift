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
    private let periodCache: TTLCache<SelectionPeriod?>
    /// Formations by id, read by every save of an application form.
    private let formationCache: TTLCache<Formation?>

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
        return migrator
    }

    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    static func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func insertAudit(_ db: Database, _ entry: AuditEntry?) throws {
        guard let entry else { return }
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, role, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [entry.at, entry.actor, entry.role, entry.action, entry.subject, entry.detail]
        )
    }

    // MARK: - Period, agencies, formations, slots

    public func savePeriod(_ period: SelectionPeriod, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            var period = period
            // The announcement is its own act; a timetable edit never sets or clears it.
            period.resultsAnnouncedAt = try String.fetchOne(db, sql: "SELECT json FROM period WHERE id = ?", arguments: [period.id])
                .flatMap { try? Self.decoder.decode(SelectionPeriod.self, from: Data($0.utf8)).resultsAnnouncedAt }
            try db.execute(
                sql: "INSERT INTO period (id, name, json) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, json = excluded.json",
                arguments: [period.id, period.name, try Self.json(period)]
            )
            try Self.insertAudit(db, audit)
        }
        periodCache.clear()
    }

    public func announceResults(periodID: String, at: Int64, audit: AuditEntry) async throws -> SelectionPeriod {
        defer { periodCache.clear() }
        return try await grouped.write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT json FROM period WHERE id = ?", arguments: [periodID]) else {
                throw RegistrationError.noPeriod
            }
            var period = try Self.decoder.decode(SelectionPeriod.self, from: Data(text.utf8))
            let submitted =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM application WHERE period_id = ? AND status = 'submitted'",
                    arguments: [periodID]
                ) ?? 0
            let pending =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM application WHERE period_id = ? AND status = 'submitted' AND result IS NULL",
                    arguments: [periodID]
                ) ?? 0
            if let refusal = AnnouncementRule.refusal(period: period, now: at, submitted: submitted, undecided: pending) { throw refusal }
            period.resultsAnnouncedAt = at
            try db.execute(sql: "UPDATE period SET json = ? WHERE id = ?", arguments: [try Self.json(period), periodID])
            try Self.insertAudit(db, audit)
            return period
        }
    }

    public func currentPeriod() async throws -> SelectionPeriod? {
        try await periodCache.value("") { try await readCurrentPeriod() }
    }

    func readCurrentPeriod() async throws -> SelectionPeriod? {
        try await writer.read { db in
            try String.fetchOne(try db.cachedStatement(sql: "SELECT json FROM period ORDER BY created_at DESC, rowid DESC LIMIT 1"))
                .map { try Self.decoder.decode(SelectionPeriod.self, from: Data($0.utf8)) }
        }
    }

    public func saveAgency(_ agency: Agency, audit: AuditEntry?) async throws {
        defer { formationCache.clear() }
        try await grouped.write { db in
            try db.execute(
                sql: "INSERT INTO agency (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                arguments: [agency.id, agency.name]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func agencies() async throws -> [Agency] {
        try await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, name FROM agency ORDER BY name")).map { Agency(id: $0["id"], name: $0["name"]) }
        }
    }

    public func saveFormation(_ f: Formation, audit: AuditEntry?) async throws {
        defer { formationCache.clear() }
        try await grouped.write { db in
            guard let agency = try String.fetchOne(try db.cachedStatement(sql: "SELECT name FROM agency WHERE id = ?"), arguments: [f.agencyID]) else {
                throw RegistrationError.invalid("unknown-agency", "Instansi \(f.agencyID) tidak dikenal.")
            }
            let existing = try Row.fetchOne(
                db,
                sql: "SELECT \(Self.formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id WHERE f.id = ?",
                arguments: [f.id]
            ).map(Self.formation)
            let applied = try Int.fetchOne(db, sql: "SELECT count(*) FROM application WHERE formation_id = ?", arguments: [f.id]) ?? 0
            if let refusal = TimetableEditRule.formationRefusal(existing: existing, proposed: f, applicants: applied) { throw refusal }
            let search = [agency, f.position, f.unit, f.location, f.majors.joined(separator: " ")].joined(separator: " ").lowercased()
            try db.execute(
                sql: """
                    INSERT INTO formation (id, period_id, agency_id, position, unit, location, education_level, majors, quota, type, max_age, search)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET agency_id = excluded.agency_id, position = excluded.position, unit = excluded.unit,
                      location = excluded.location, education_level = excluded.education_level, majors = excluded.majors,
                      quota = excluded.quota, type = excluded.type, max_age = excluded.max_age, search = excluded.search
                    """,
                arguments: [
                    f.id, f.periodID, f.agencyID, f.position, f.unit, f.location, f.educationLevel.rawValue, try Self.json(f.majors), f.quota,
                    f.type.rawValue, f.maxAge, search,
                ]
            )
            try Self.insertAudit(db, audit)
        }
    }

    static let formationColumns = """
        f.id, f.period_id, f.agency_id, a.name AS agency_name, f.position, f.unit, f.location, f.education_level, f.majors, f.quota, f.type, f.max_age
        """

    static func formation(_ row: Row) throws -> Formation {
        Formation(
            id: row["id"],
            periodID: row["period_id"],
            agencyID: row["agency_id"],
            agencyName: row["agency_name"],
            position: row["position"],
            unit: row["unit"],
            location: row["location"],
            educationLevel: EducationLevel(rawValue: row["education_level"]) ?? .s1,
            majors: try decoder.decode([String].self, from: Data((row["majors"] as String).utf8)),
            quota: row["quota"],
            type: FormationType(rawValue: row["type"]) ?? .general,
            maxAge: row["max_age"]
        )
    }

    public func formations(periodID: String, filter: FormationFilter) async throws -> (items: [Formation], total: Int) {
        var conditions = ["f.period_id = ?"]
        var arguments: StatementArguments = [periodID]
        if let text = filter.text?.lowercased(), !text.isEmpty {
            for word in text.split(separator: " ").prefix(5) {
                conditions.append("f.search LIKE ? ESCAPE '\\'")
                let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
                    of: "_",
                    with: "\\_"
                )
                _ = arguments.append(contentsOf: ["%" + escaped + "%"])
            }
        }
        if let agency = filter.agencyID {
            conditions.append("f.agency_id = ?")
            _ = arguments.append(contentsOf: [agency])
        }
        if let type = filter.type {
            conditions.append("f.type = ?")
            _ = arguments.append(contentsOf: [type.rawValue])
        }
        if let level = filter.educationLevel {
            conditions.append("f.education_level = ?")
            _ = arguments.append(contentsOf: [level.rawValue])
        }
        if let location = filter.location {
            conditions.append("f.location = ?")
            _ = arguments.append(contentsOf: [location])
        }
        let whereClause = conditions.joined(separator: " AND ")
        let page = max(1, filter.page)
        let size = min(max(1, filter.pageSize), 100)
        let bound = arguments
        return try await writer.read { db in
            let total = try Int.fetchOne(try db.cachedStatement(sql: "SELECT count(*) FROM formation f WHERE \(whereClause)"), arguments: bound) ?? 0
            var pageArguments = bound
            _ = pageArguments.append(contentsOf: [size, (page - 1) * size])
            let rows = try Row.fetchAll(
                try db.cachedStatement(
                    sql:
                        "SELECT \(Self.formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id WHERE \(whereClause) ORDER BY a.name, f.position, f.id LIMIT ? OFFSET ?"
                ),
                arguments: pageArguments
            )
            return (try rows.map { try Self.formation($0) }, total)
        }
    }

    public func formation(id: String) async throws -> Formation? {
        try await formationCache.value(id) {
            try await writer.read { db in
                try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT \(Self.formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id WHERE f.id = ?"),
                    arguments: [id]
                ).map { try Self.formation($0) }
            }
        }
    }

    public func saveSlot(_ slot: ExamSlot, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            let existing = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [slot.id]).map(Self.slot)
            if let refusal = TimetableEditRule.slotRefusal(existing: existing, proposed: slot) { throw refusal }
            try db.execute(
                sql: """
                    INSERT INTO exam_slot (id, period_id, venue, location, starts_at, session_number, capacity, time_zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET venue = excluded.venue, location = excluded.location, starts_at = excluded.starts_at,
                      session_number = excluded.session_number, capacity = excluded.capacity, time_zone = excluded.time_zone
                    """,
                arguments: [slot.id, slot.periodID, slot.venue, slot.location, slot.startsAt, slot.sessionNumber, slot.capacity, slot.timeZone.rawValue]
            )
            try Self.insertAudit(db, audit)
        }
    }

    static func slot(_ row: Row) -> ExamSlot {
        ExamSlot(
            id: row["id"],
            periodID: row["period_id"],
            venue: row["venue"],
            location: row["location"],
            startsAt: row["starts_at"],
            timeZone: IndonesianTimeZone(rawValue: row["time_zone"]) ?? .wib,
            sessionNumber: row["session_number"],
            capacity: row["capacity"],
            assigned: row["assigned"]
        )
    }

    public func slots(periodID: String) async throws -> [ExamSlot] {
        try await writer.read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE period_id = ? ORDER BY location, starts_at, session_number, id"),
                arguments: [periodID]
            )
            .map(Self.slot)
        }
    }

    // MARK: - Accounts

    static func account(_ row: Row) -> Account {
        Account(
            id: row["id"],
            periodID: row["period_id"],
            nik: row["nik"],
            kk: row["kk"],
            name: row["name"],
            birthPlace: row["birth_place"],
            birthDate: row["birth_date"],
            sex: Sex(rawValue: row["sex"]) ?? .male,
            email: row["email"],
            phone: row["phone"],
            emailVerified: row["email_verified"],
            createdAt: row["created_at"]
        )
    }

    static func insertMail(_ db: Database, _ mail: Mail) throws {
        try db.execute(
            sql: "INSERT INTO mail_outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)",
            arguments: [mail.to, mail.subject, mail.body, mail.createdAt]
        )
    }

    static func insertCode(_ db: Database, accountID: Int64, _ code: OneTimeCode) throws {
        // A new code replaces the earlier ones of the same purpose.
        try db.execute(
            sql: "UPDATE one_time_code SET used_at = -1 WHERE account_id = ? AND purpose = ? AND used_at IS NULL",
            arguments: [accountID, code.purpose.rawValue]
        )
        try db.execute(
            sql: "INSERT INTO one_time_code (account_id, purpose, code_hash, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [accountID, code.purpose.rawValue, code.codeHash, code.expiresAt]
        )
    }

    public func createAccount(_ a: Account, passwordHash: String, code: OneTimeCode, mail: Mail) async throws -> Account {
        try await grouped.write { db in
            if try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM account WHERE period_id = ? AND nik = ?"), arguments: [a.periodID, a.nik]) == true {
                throw RegistrationError.duplicateNIK
            }
            if try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM account WHERE period_id = ? AND email = ?"), arguments: [a.periodID, a.email])
                == true
            {
                throw RegistrationError.duplicateEmail
            }
            try db.execute(
                sql: """
                    INSERT INTO account (period_id, nik, kk, name, birth_place, birth_date, sex, email, phone, password_hash, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [a.periodID, a.nik, a.kk, a.name, a.birthPlace, a.birthDate, a.sex.rawValue, a.email, a.phone, passwordHash, a.createdAt]
            )
            var created = a
            created.id = db.lastInsertedRowID
            try Self.insertCode(db, accountID: created.id, code)
            try Self.insertMail(db, mail)
            return created
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await writer.read { db in try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM account WHERE id = ?"), arguments: [id]).map(Self.account) }
    }

    public func accountForLogin(periodID: String, nikOrEmail: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM account WHERE period_id = ? AND (nik = ? OR email = ?)"),
                arguments: [periodID, nikOrEmail, nikOrEmail.lowercased()]
            ).map { (Self.account($0), $0["password_hash"]) }
        }
    }

    public func latestCodeExpiry(accountID: Int64, purpose: OneTimeCode.Purpose) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT max(expires_at) FROM one_time_code WHERE account_id = ? AND purpose = ?",
                arguments: [accountID, purpose.rawValue]
            )
        }
    }

    public func issueCode(accountID: Int64, _ code: OneTimeCode, mail: Mail) async throws {
        try await grouped.write { db in
            try Self.insertCode(db, accountID: accountID, code)
            try Self.insertMail(db, mail)
        }
    }

    static func useCode(_ db: Database, accountID: Int64, purpose: OneTimeCode.Purpose, codeHash: String, now: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE one_time_code SET used_at = ? WHERE account_id = ? AND purpose = ? AND code_hash = ? AND used_at IS NULL AND expires_at >= ?",
            arguments: [now, accountID, purpose.rawValue, codeHash, now]
        )
        return db.changesCount == 1
    }

    public func useCode(accountID: Int64, purpose: OneTimeCode.Purpose, codeHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in try Self.useCode(db, accountID: accountID, purpose: purpose, codeHash: codeHash, now: now) }
    }

    public func confirmEmail(accountID: Int64, codeHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in
            guard try Self.useCode(db, accountID: accountID, purpose: .verifyEmail, codeHash: codeHash, now: now) else { return false }
            try db.execute(sql: "UPDATE account SET email_verified = 1 WHERE id = ?", arguments: [accountID])
            return true
        }
    }

    public func resetPassword(accountID: Int64, codeHash: String, passwordHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in
            guard try Self.useCode(db, accountID: accountID, purpose: .resetPassword, codeHash: codeHash, now: now) else { return false }
            // The code came by email, so the address is proven too.
            try db.execute(sql: "UPDATE account SET password_hash = ?, email_verified = 1 WHERE id = ?", arguments: [passwordHash, accountID])
            try db.execute(sql: "DELETE FROM auth_session WHERE account_id = ?", arguments: [accountID])
            return true
        }
    }

    public func beginLoginAttempt(limits: [(key: String, limit: Int)], since: Int64, at: Int64) async throws -> [Int64]? {
        try await grouped.write { db -> [Int64]? in
            for (key, limit) in limits {
                let failures =
                    try Int.fetchOne(
                        try db.cachedStatement(sql: "SELECT count(*) FROM login_failure WHERE key = ? AND at >= ?"),
                        arguments: [key, since]
                    ) ?? 0
                if failures >= limit { return nil }
            }
            var ids: [Int64] = []
            for (key, _) in limits {
                try db.cachedStatement(sql: "INSERT INTO login_failure (key, at) VALUES (?, ?)").execute(arguments: [key, at])
                ids.append(db.lastInsertedRowID)
            }
            // Old failures no longer count; keep the table small.
            try db.cachedStatement(sql: "DELETE FROM login_failure WHERE at < ?").execute(arguments: [at - 86_400_000])
            return ids
        }
    }

    public func withdrawLoginAttempt(ids: [Int64]) async throws {
        try await grouped.write { db in
            for id in ids { try db.cachedStatement(sql: "DELETE FROM login_failure WHERE rowid = ?").execute(arguments: [id]) }
        }
    }

    public func clearLoginFailures(key: String) async throws {
        try await grouped.write { db in try db.execute(sql: "DELETE FROM login_failure WHERE key = ?", arguments: [key]) }
    }

    // MARK: - Sessions and staff

    public func createSession(tokenHash: String, _ session: AuthSession, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            let (account, staff): (Int64?, Int64?) =
                switch session.principal {
                case .applicant(let id): (id, nil)
                case .staff(let member): (nil, member.id)
                }
            try db.execute(
                sql: "INSERT INTO auth_session (token_hash, account_id, staff_id, csrf, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tokenHash, account, staff, session.csrf, session.expiresAt]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func session(tokenHash: String, now: Int64) async throws -> AuthSession? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.account_id, s.csrf, s.expires_at, t.id AS staff_id, t.username, t.role, t.agency_id
                        FROM auth_session s LEFT JOIN staff t ON t.id = s.staff_id WHERE s.token_hash = ? AND s.expires_at > ?
                        """,
                    arguments: [tokenHash, now]
                )
            else { return nil }
            let principal: Principal
            if let account: Int64 = row["account_id"] {
                principal = .applicant(accountID: account)
            } else {
                principal = .staff(
                    StaffAccount(id: row["staff_id"], username: row["username"], role: StaffRole(rawValue: row["role"]) ?? .proctor, agencyID: row["agency_id"])
                )
            }
            return AuthSession(principal: principal, csrf: row["csrf"], expiresAt: row["expires_at"])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await grouped.write { db in try db.execute(sql: "DELETE FROM auth_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func saveStaff(username: String, role: StaffRole, agencyID: String?, passwordHash: String, totpSecret: String) async throws -> StaffAccount {
        try await grouped.write { db in
            try db.execute(
                sql: """
                    INSERT INTO staff (username, role, agency_id, password_hash, totp_secret) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(username) DO UPDATE SET role = excluded.role, agency_id = excluded.agency_id,
                      password_hash = excluded.password_hash, totp_secret = excluded.totp_secret, last_totp_step = 0
                    """,
                arguments: [username, role.rawValue, agencyID, passwordHash, totpSecret]
            )
            let id = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM staff WHERE username = ?"), arguments: [username])!
            try db.execute(sql: "DELETE FROM auth_session WHERE staff_id = ?", arguments: [id])
            return StaffAccount(id: id, username: username, role: role, agencyID: agencyID)
        }
    }

    public func staffCredentials(username: String) async throws -> StaffCredentials? {
        try await writer.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM staff WHERE username = ?"), arguments: [username]).map {
                StaffCredentials(
                    staff: StaffAccount(id: $0["id"], username: $0["username"], role: StaffRole(rawValue: $0["role"]) ?? .proctor, agencyID: $0["agency_id"]),
                    passwordHash: $0["password_hash"],
                    totpSecret: $0["totp_secret"],
                    lastTOTPStep: $0["last_totp_step"]
                )
            }
        }
    }

    public func useTOTPStep(staffID: Int64, step: Int64) async throws -> Bool {
        try await grouped.write { db in
            try db.execute(sql: "UPDATE staff SET last_totp_step = ? WHERE id = ? AND last_totp_step < ?", arguments: [step, staffID, step])
            return db.changesCount == 1
        }
    }

    // MARK: - Applications

    public func createApplication(accountID: Int64, periodID: String, draft: ApplicationDraft, now: Int64) async throws -> Application {
        let id = try await grouped.write { db -> Int64 in
            if try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM application WHERE account_id = ?"), arguments: [accountID]) == true {
                throw RegistrationError.secondApplication
            }
            try db.execute(
                sql: "INSERT INTO application (account_id, period_id, formation_id, draft, status, updated_at) VALUES (?, ?, ?, ?, 'draft', ?)",
                arguments: [accountID, periodID, draft.formationID, try Self.json(draft), now]
            )
            return db.lastInsertedRowID
        }
        return try await application(id: id)!
    }

    static func requireDraft(_ db: Database, _ applicationID: Int64) throws {
        guard let status = try String.fetchOne(try db.cachedStatement(sql: "SELECT status FROM application WHERE id = ?"), arguments: [applicationID]) else {
            throw RegistrationError.noApplication
        }
        guard status == ApplicationStatus.draft.rawValue else { throw RegistrationError.locked }
    }

    public func updateDraft(applicationID: Int64, draft: ApplicationDraft, now: Int64) async throws {
        try await grouped.write { db in
            try Self.requireDraft(db, applicationID)
            try db.execute(
                sql: "UPDATE application SET formation_id = ?, draft = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
                arguments: [draft.formationID, try Self.json(draft), now, applicationID]
            )
        }
    }

    public func application(accountID: Int64) async throws -> Application? {
        try await writer.read { db in
            guard let id = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM application WHERE account_id = ?"), arguments: [accountID]) else {
                return nil
            }
            return try Self.loadApplication(db, id: id)
        }
    }

    public func application(id: Int64) async throws -> Application? {
        try await writer.read { db in try Self.loadApplication(db, id: id) }
    }

    static func loadApplication(_ db: Database, id: Int64) throws -> Application? {
        guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM application WHERE id = ?"), arguments: [id]),
            let formationRow = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT \(formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id WHERE f.id = ?"),
                arguments: [row["formation_id"] as String]
            )
        else { return nil }
        let documents = try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM document WHERE application_id = ? ORDER BY kind"), arguments: [id]).map {
            StoredDocument(
                kind: $0["kind"],
                contentType: $0["content_type"],
                size: $0["size"],
                sha256: $0["sha256"],
                path: $0["path"],
                uploadedAt: $0["uploaded_at"]
            )
        }
        let verification: Verification? = (row["result"] as String?).flatMap { VerificationResult(rawValue: $0) }.map {
            Verification(result: $0, reasonCode: row["reason_code"], note: row["result_note"] ?? "", by: row["verified_by"] ?? "", at: row["verified_at"] ?? 0)
        }
        let objection: Objection? = (row["objection_reason"] as String?).map {
            Objection(
                reason: $0,
                filedAt: row["objection_at"],
                answer: row["objection_answer"],
                accepted: (row["objection_accepted"] as Int?).map { $0 == 1 },
                answeredBy: row["objection_by"],
                answeredAt: row["objection_answered_at"]
            )
        }
        var assignment: ExamAssignment?
        if let number: String = row["participant_number"], let slotID: String = row["slot_id"],
            let slotRow = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [slotID])
        {
            assignment = ExamAssignment(participantNumber: number, slot: slot(slotRow))
        }
        return Application(
            id: id,
            accountID: row["account_id"],
            periodID: row["period_id"],
            draft: try decoder.decode(ApplicationDraft.self, from: Data((row["draft"] as String).utf8)),
            formation: try formation(formationRow),
            status: ApplicationStatus(rawValue: row["status"]) ?? .draft,
            submittedAt: row["submitted_at"],
            documents: documents,
            verification: verification,
            objection: objection,
            assignment: assignment
        )
    }

    public func replaceDocument(applicationID: Int64, _ d: StoredDocument) async throws -> String? {
        try await grouped.write { db in
            try Self.requireDraft(db, applicationID)
            let old = try String.fetchOne(
                try db.cachedStatement(sql: "SELECT path FROM document WHERE application_id = ? AND kind = ?"),
                arguments: [applicationID, d.kind]
            )
            try db.execute(
                sql: """
                    INSERT INTO document (application_id, kind, content_type, size, sha256, path, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(application_id, kind) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                      sha256 = excluded.sha256, path = excluded.path, uploaded_at = excluded.uploaded_at
                    """,
                arguments: [applicationID, d.kind, d.contentType, d.size, d.sha256, d.path, d.uploadedAt]
            )
            return old == d.path ? nil : old
        }
    }

    public func submit(applicationID: Int64, requiredKinds: [String: String], now: Int64) async throws {
        try await grouped.write { db in
            try Self.requireDraft(db, applicationID)
            let present = Set(
                try String.fetchAll(try db.cachedStatement(sql: "SELECT kind FROM document WHERE application_id = ?"), arguments: [applicationID])
            )
            if let refusal = SubmissionRule.refusal(required: requiredKinds, present: present) { throw refusal }
            try db.execute(
                sql: "UPDATE application SET status = 'submitted', submitted_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
                arguments: [now, now, applicationID]
            )
        }
    }

    // MARK: - Verification and objections

    public func applications(agencyID: String, periodID: String) async throws -> [ApplicationSummary] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, c.name, f.position, f.type, p.submitted_at, p.result,
                      (p.objection_reason IS NOT NULL AND p.objection_answered_at IS NULL) AS pending
                    FROM application p JOIN formation f ON f.id = p.formation_id JOIN account c ON c.id = p.account_id
                    WHERE f.agency_id = ? AND p.period_id = ? AND p.status = 'submitted' ORDER BY p.submitted_at, p.id
                    """,
                arguments: [agencyID, periodID]
            ).map {
                ApplicationSummary(
                    id: $0["id"],
                    name: $0["name"],
                    position: $0["position"],
                    formationType: $0["type"],
                    submittedAt: $0["submitted_at"],
                    result: $0["result"],
                    objectionPending: $0["pending"]
                )
            }
        }
    }

    public func recordVerification(applicationID: Int64, _ v: Verification, audit: AuditEntry) async throws {
        try await grouped.write { db in
            guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT status, result FROM application WHERE id = ?"), arguments: [applicationID])
            else {
                throw RegistrationError.notFound
            }
            guard row["status"] == ApplicationStatus.submitted.rawValue else { throw RegistrationError.notSubmitted }
            guard (row["result"] as String?) == nil else { throw RegistrationError.alreadyVerified }
            try db.execute(
                sql: "UPDATE application SET result = ?, reason_code = ?, result_note = ?, verified_by = ?, verified_at = ? WHERE id = ?",
                arguments: [v.result.rawValue, v.reasonCode, v.note, v.by, v.at, applicationID]
            )
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, result, reason_code, text) VALUES (?, ?, ?, 'verification', ?, ?, ?)",
                arguments: [applicationID, v.at, v.by, v.result.rawValue, v.reasonCode, v.note]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func fileObjection(applicationID: Int64, _ o: Objection) async throws {
        try await grouped.write { db in
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT result, objection_reason, account_id FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else {
                throw RegistrationError.notFound
            }
            guard (row["objection_reason"] as String?) == nil else { throw RegistrationError.objectionTwice }
            guard (row["result"] as String?) == VerificationResult.tms.rawValue else { throw RegistrationError.objectionNotAllowed }
            try db.execute(sql: "UPDATE application SET objection_reason = ?, objection_at = ? WHERE id = ?", arguments: [o.reason, o.filedAt, applicationID])
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, text) VALUES (?, ?, ?, 'objection', ?)",
                arguments: [applicationID, o.filedAt, "pelamar:\(row["account_id"] as Int64)", o.reason]
            )
        }
    }

    public func answerObjection(applicationID: Int64, answer: String, accepted: Bool, by: String, at: Int64, audit: AuditEntry) async throws {
        try await grouped.write { db in
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT objection_reason, objection_answered_at FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else { throw RegistrationError.notFound }
            guard (row["objection_reason"] as String?) != nil, (row["objection_answered_at"] as Int64?) == nil else { throw RegistrationError.noObjection }
            try db.execute(
                sql: "UPDATE application SET objection_answer = ?, objection_accepted = ?, objection_by = ?, objection_answered_at = ? WHERE id = ?",
                arguments: [answer, accepted, by, at, applicationID]
            )
            if accepted {
                try db.execute(
                    sql: "UPDATE application SET result = 'MS', reason_code = NULL, result_note = ?, verified_by = ?, verified_at = ? WHERE id = ?",
                    arguments: ["Sanggahan diterima: " + answer, by, at, applicationID]
                )
            }
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, result, text) VALUES (?, ?, ?, 'objection-answer', ?, ?)",
                arguments: [applicationID, at, by, accepted ? "MS" : "TMS", answer]
            )
            try Self.insertAudit(db, audit)
        }
    }

    // MARK: - Seats

    public func assignSeats(period: SelectionPeriod, audit: AuditEntry) async throws -> (assigned: Int, unplaced: Int) {
        try await grouped.write { db in
            let serial = try Int.fetchOne(try db.cachedStatement(sql: "SELECT next_serial FROM period WHERE id = ?"), arguments: [period.id]) ?? 1
            let waiting = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, draft FROM application WHERE period_id = ? AND status = 'submitted' AND result = 'MS' AND participant_number IS NULL
                      AND (objection_reason IS NULL OR objection_answered_at IS NOT NULL)
                    ORDER BY submitted_at, id
                    """,
                arguments: [period.id]
            ).map { row in
                SeatAssigner.Waiting(
                    applicationID: row["id"],
                    testLocation: try Self.decoder.decode(ApplicationDraft.self, from: Data((row["draft"] as String).utf8)).testLocation
                )
            }
            let slots = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE period_id = ? ORDER BY starts_at, session_number, id"),
                arguments: [period.id]
            ).map(Self.slot)
            let outcome = SeatAssigner.assign(waiting: waiting, slots: slots, prefix: period.participantPrefix, nextSerial: serial)
            for placement in outcome.placements {
                try db.execute(sql: "UPDATE exam_slot SET assigned = assigned + 1 WHERE id = ?", arguments: [placement.slotID])
                try db.execute(
                    sql: "UPDATE application SET participant_number = ?, slot_id = ? WHERE id = ?",
                    arguments: [placement.participantNumber, placement.slotID, placement.applicationID]
                )
            }
            let (assigned, unplaced) = (outcome.placements.count, outcome.unplaced)
            try db.execute(sql: "UPDATE period SET next_serial = ? WHERE id = ?", arguments: [outcome.nextSerial, period.id])
            var entry = audit
            entry.detail += " (\(assigned) dijadwalkan, \(unplaced) belum mendapat kursi)"
            try Self.insertAudit(db, entry)
            return (assigned, unplaced)
        }
    }

    public func moveSeat(applicationID: Int64, slotID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            guard
                let current = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT slot_id, period_id FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else {
                throw RegistrationError.notFound
            }
            guard let old: String = current["slot_id"] else { throw RegistrationError.notEligibleForCard }
            guard let target = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [slotID]).map(Self.slot)
            else { throw RegistrationError.notFound }
            if old == slotID, target.periodID == current["period_id"] { return }
            if let refusal = SeatAssigner.moveRefusal(to: target, periodID: current["period_id"]) { throw refusal }
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned - 1 WHERE id = ?", arguments: [old])
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned + 1 WHERE id = ?", arguments: [slotID])
            try db.execute(sql: "UPDATE application SET slot_id = ? WHERE id = ?", arguments: [slotID, applicationID])
            try Self.insertAudit(db, audit)
        }
    }

    // MARK: - Audit and outbox

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await grouped.write { db in try Self.insertAudit(db, entry) }
    }

    public func audit(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let actor = filter.actor {
            conditions.append("actor = ?")
            _ = arguments.append(contentsOf: [actor])
        }
        if let action = filter.action {
            conditions.append("action = ?")
            _ = arguments.append(contentsOf: [action])
        }
        if let subject = filter.subject {
            conditions.append("subject = ?")
            _ = arguments.append(contentsOf: [subject])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [min(max(1, filter.limit), 1000)])
        let bound = arguments
        return try await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM audit_log \(whereClause) ORDER BY id DESC LIMIT ?"), arguments: bound).map {
                AuditEntry(id: $0["id"], at: $0["at"], actor: $0["actor"], role: $0["role"], action: $0["action"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }

    public func pendingMail(limit: Int) async throws -> [Mail] {
        try await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM mail_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?"), arguments: [limit]).map {
                Mail(id: $0["id"], to: $0["recipient"], subject: $0["subject"], body: $0["body"], createdAt: $0["created_at"])
            }
        }
    }

    public func markMailSent(id: Int64, at: Int64) async throws {
        try await grouped.write { db in try db.execute(sql: "UPDATE mail_outbox SET sent_at = ? WHERE id = ?", arguments: [at, id]) }
    }
}
