import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// The period, its agencies, formations and exam slots.
extension SQLiteRegistrationStore {
    public func savePeriod(_ period: SelectionPeriod, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            // The announcement is its own act: a timetable edit never sets or clears it.
            try db.execute(
                sql: """
                    INSERT INTO period (id, name, registration_opens, registration_closes, verification_opens, verification_closes, exam_opens, exam_closes,
                      announcement_opens, announcement_closes, objection_days, participant_prefix)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, registration_opens = excluded.registration_opens,
                      registration_closes = excluded.registration_closes, verification_opens = excluded.verification_opens,
                      verification_closes = excluded.verification_closes, exam_opens = excluded.exam_opens, exam_closes = excluded.exam_closes,
                      announcement_opens = excluded.announcement_opens, announcement_closes = excluded.announcement_closes,
                      objection_days = excluded.objection_days, participant_prefix = excluded.participant_prefix
                    """,
                arguments: [
                    period.id, period.name, period.registration.opens, period.registration.closes, period.verification.opens, period.verification.closes,
                    period.exam.opens, period.exam.closes, period.announcement.opens, period.announcement.closes, period.objectionDays,
                    period.participantPrefix,
                ]
            )
            try Self.insertAudit(db, audit)
        }
        periodCache.clear()
    }

    public func announceResults(periodID: String, at: Int64, confirmed: String?, audit: AuditEntry) async throws -> SelectionPeriod {
        defer { periodCache.clear() }
        return try await grouped.write { db in
            guard var period = try Row.fetchOne(db, sql: "SELECT * FROM period WHERE id = ?", arguments: [periodID]).map(Self.period) else {
                throw RegistrationError.noPeriod
            }
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
            if let confirmed, try Self.decisionsDigest(db, periodID: periodID) != confirmed { throw AnnouncementRule.decisionsChanged() }
            period.resultsAnnouncedAt = at
            try db.execute(sql: "UPDATE period SET results_announced_at = ? WHERE id = ?", arguments: [at, periodID])
            try Self.insertAudit(db, audit)
            return period
        }
    }

    public func verificationTally(periodID: String) async throws -> VerificationTally {
        try await writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS submitted, coalesce(sum(result = 'MS'), 0) AS ms, coalesce(sum(result = 'TMS'), 0) AS tms
                    FROM application WHERE period_id = ? AND status = 'submitted'
                    """,
                arguments: [periodID]
            )
            return VerificationTally(
                submitted: row?["submitted"] ?? 0,
                ms: row?["ms"] ?? 0,
                tms: row?["tms"] ?? 0,
                decisions: try Self.decisionsDigest(db, periodID: periodID)
            )
        }
    }

    static func decisionsDigest(_ db: Database, periodID: String) throws -> String {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT id, result FROM application WHERE period_id = ? AND status = 'submitted' ORDER BY id",
            arguments: [periodID]
        )
        var decisions: [(id: Int64, result: String?)] = []
        while let row = try rows.next() { decisions.append((row["id"], row["result"])) }
        return AnnouncementRule.decisionsDigest(decisions)
    }

    public func currentPeriod() async throws -> SelectionPeriod? {
        try await periodCache.value("") { try await readCurrentPeriod() }
    }

    func readCurrentPeriod() async throws -> SelectionPeriod? {
        try await writer.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM period ORDER BY created_at DESC, rowid DESC LIMIT 1")).map(Self.period)
        }
    }

    static func period(_ row: Row) -> SelectionPeriod {
        func window(_ name: String) -> Window { Window(opens: row["\(name)_opens"], closes: row["\(name)_closes"]) }
        return SelectionPeriod(
            id: row["id"],
            name: row["name"],
            registration: window("registration"),
            verification: window("verification"),
            objectionDays: row["objection_days"],
            exam: window("exam"),
            announcement: window("announcement"),
            resultsAnnouncedAt: row["results_announced_at"],
            participantPrefix: row["participant_prefix"]
        )
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
            try Self.upsertFormation(db, f)
            try Self.insertAudit(db, audit)
        }
    }

    public func saveFormations(_ formations: [Formation], audits: [AuditEntry]) async throws {
        defer { formationCache.clear() }
        try await grouped.write { db in
            for (index, f) in formations.enumerated() {
                do {
                    try Self.upsertFormation(db, f)
                } catch let refusal as RegistrationError {
                    throw RefusedInBatch(index: index, refusal: refusal)
                }
            }
            for audit in audits { try Self.insertAudit(db, audit) }
        }
    }

    /// Inserts or updates one formation if `TimetableEditRule` allows it.
    static func upsertFormation(_ db: Database, _ f: Formation) throws {
        guard let agency = try String.fetchOne(try db.cachedStatement(sql: "SELECT name FROM agency WHERE id = ?"), arguments: [f.agencyID]) else {
            throw RegistrationError.invalid("unknown-agency", "Instansi \(f.agencyID) tidak dikenal.")
        }
        let existing = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT \(Self.formationColumns) FROM formation f JOIN agency a ON a.id = f.agency_id WHERE f.id = ?"),
            arguments: [f.id]
        ).map(Self.formation)
        let applied = try Int.fetchOne(try db.cachedStatement(sql: "SELECT count(*) FROM application WHERE formation_id = ?"), arguments: [f.id]) ?? 0
        if let refusal = TimetableEditRule.formationRefusal(existing: existing, proposed: f, applicants: applied) { throw refusal }
        let search = SearchText.formation(f, agencyName: agency)
        try db.cachedStatement(
            sql: """
                INSERT INTO formation (id, period_id, agency_id, position, unit, location, education_level, majors, quota, type, max_age, search, location_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET agency_id = excluded.agency_id, position = excluded.position, unit = excluded.unit,
                  location = excluded.location, education_level = excluded.education_level, majors = excluded.majors,
                  quota = excluded.quota, type = excluded.type, max_age = excluded.max_age, search = excluded.search,
                  location_key = excluded.location_key
                """
        ).execute(arguments: [
            f.id, f.periodID, f.agencyID, f.position, f.unit, f.location, f.educationLevel.rawValue, try Self.json(f.majors), f.quota,
            f.type.rawValue, f.maxAge, search, SearchText.fold(f.location),
        ])
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
        if let text = filter.text {
            for word in SearchText.words(text) {
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
            conditions.append("f.location_key = ?")
            _ = arguments.append(contentsOf: [SearchText.fold(location)])
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

    public func saveSlot(_ slot: ExamSlot, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            let existing = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [slot.id]).map(Self.slot)
            if let refusal = TimetableEditRule.slotRefusal(existing: existing, proposed: slot, now: now, freezeMilliseconds: freezeMilliseconds) {
                throw refusal
            }
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
}
