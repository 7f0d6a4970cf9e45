import GRDB

/// Sessions, their pauses and extensions, the node's downtime and heartbeat.
extension SQLiteExamTransaction {
    // MARK: - Reads

    func session(_ id: String) throws -> StoredSession? {
        try StoredSession.fetchOne(db.cachedStatement(sql: "SELECT * FROM exam_session WHERE id = ?"), arguments: [id])
    }

    func sessionState(_ id: String) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT CASE WHEN roster_loading IS NULL THEN state ELSE 'loading' END FROM exam_session WHERE id = ?",
            arguments: [id]
        )
    }

    func sessionIDs(visibleTo proctor: String?) throws -> [String] {
        guard let proctor else { return try String.fetchAll(db, sql: "SELECT id FROM exam_session ORDER BY scheduled_start, id") }
        return try String.fetchAll(
            db,
            sql: "SELECT id FROM exam_session WHERE \(Self.visibleToProctor) ORDER BY scheduled_start, id",
            arguments: [proctor, proctor]
        )
    }

    func isSession(_ id: String, visibleTo proctor: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM exam_session WHERE id = ? AND \(Self.visibleToProctor))",
            arguments: [id, proctor, proctor]
        ) == true
    }

    /// A session is the proctor's when assigned to them or at the venue they are set to.
    static let visibleToProctor = """
        (EXISTS (SELECT 1 FROM proctor_assignment a WHERE a.session_id = exam_session.id AND a.username = ?)
         OR venue = (SELECT p.venue FROM proctor p WHERE p.username = ?))
        """

    func openSessions(only id: String?) throws -> [StoredSession] {
        try StoredSession.fetchAll(
            db,
            sql: "SELECT * FROM exam_session WHERE state = 'open'" + (id == nil ? "" : " AND id = ?"),
            arguments: StatementArguments(id.map { [$0] } ?? [])
        )
    }

    func openPause(session: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM session_pause WHERE session_id = ? AND to_ms IS NULL", arguments: [session])
    }

    func stoppedIntervals(session: String) throws -> [StoppedInterval] {
        let pauses = try Row.fetchAll(db.cachedStatement(sql: "SELECT from_ms, to_ms FROM session_pause WHERE session_id = ?"), arguments: [session])
        let downtime = try Row.fetchAll(db.cachedStatement(sql: "SELECT from_ms, to_ms FROM node_downtime"))
        return (pauses + downtime).map { StoppedInterval(from: $0["from_ms"], to: $0["to_ms"]) }
    }

    func largestExtension(session: String) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: "SELECT s.extension_ms + COALESCE(MAX(c.extension_ms), 0) FROM exam_session s LEFT JOIN candidate c ON c.session_id = s.id WHERE s.id = ?",
            arguments: [session]
        ) ?? 0
    }

    func lastHeartbeat() throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT at_ms FROM heartbeat WHERE id = 1")
    }

    // MARK: - Writes

    func sessionClock(_ id: String) throws -> SessionClock? {
        try clocks.value(id) {
            guard let session = try self.session(id) else { return nil }
            return SessionClock(session: session, stopped: try stoppedIntervals(session: id))
        }
    }

    func insertSession(id: String, venue: String, ruleSetID: String, scheduledStart: Int64, pin: String, createdAt: Int64) throws {
        try db.execute(
            sql: "INSERT INTO exam_session (id, venue, rule_set_id, scheduled_start, pin, state, created_at) VALUES (?, ?, ?, ?, ?, 'created', ?)",
            arguments: [id, venue, ruleSetID, scheduledStart, pin, createdAt]
        )
    }

    func replanSession(id: String, venue: String, ruleSetID: String, scheduledStart: Int64) throws {
        try db.execute(
            sql: "UPDATE exam_session SET venue = ?, rule_set_id = ?, scheduled_start = ? WHERE id = ? AND state = 'created'",
            arguments: [venue, ruleSetID, scheduledStart, id]
        )
    }

    func markSessionOpen(_ id: String, at now: Int64) throws {
        try db.execute(sql: "UPDATE exam_session SET state = 'open', opened_at = ? WHERE id = ?", arguments: [now, id])
    }

    func markSessionClosed(_ id: String, at now: Int64) throws {
        try db.execute(sql: "UPDATE exam_session SET state = 'closed', closed_at = ? WHERE id = ?", arguments: [now, id])
    }

    func startPause(session: String, at now: Int64) throws {
        try db.execute(sql: "INSERT INTO session_pause (session_id, from_ms) VALUES (?, ?)", arguments: [session, now])
    }

    func endPause(_ pause: Int64, at now: Int64) throws {
        try db.execute(sql: "UPDATE session_pause SET to_ms = ? WHERE id = ?", arguments: [now, pause])
    }

    func extendSession(_ id: String, byMilliseconds added: Int64) throws {
        try db.execute(sql: "UPDATE exam_session SET extension_ms = extension_ms + ? WHERE id = ?", arguments: [added, id])
    }

    func insertDowntime(from: Int64, to: Int64) throws {
        try db.execute(sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (?, ?)", arguments: [from, to])
    }

    func recordHeartbeat(at now: Int64) throws {
        try db.execute(sql: "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at_ms = excluded.at_ms", arguments: [now])
    }
}

extension StoredSession: FetchableRecord {
    init(row: Row) {
        self.init(
            id: row["id"],
            venue: row["venue"],
            ruleSetID: row["rule_set_id"],
            scheduledStart: row["scheduled_start"],
            pin: row["pin"],
            state: row["roster_loading"] as Int? == nil ? row["state"] : "loading",
            openedAt: row["opened_at"],
            extensionMilliseconds: row["extension_ms"]
        )
    }
}
