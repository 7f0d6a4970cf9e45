import GRDB

/// The audit log: append-only (the schema's triggers refuse any change to a line).
extension SQLiteExamTransaction {
    func auditEntries(session: String?) throws -> [AuditEntry] {
        let rows =
            try session.map {
                try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM audit_log WHERE session_id = ? OR (session_id IS NULL AND action = 'node-downtime-credit') ORDER BY id",
                    arguments: [$0]
                )
            } ?? Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
        return rows.map {
            AuditEntry(
                at: $0["at_ms"],
                actor: $0["actor"],
                action: $0["action"],
                sessionID: $0["session_id"],
                participantNumber: $0["participant_number"],
                details: $0["details"]
            )
        }
    }

    func appendAudit(_ entry: AuditEntry) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at_ms, actor, action, session_id, participant_number, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [entry.at, entry.actor, entry.action, entry.sessionID, entry.participantNumber, entry.details]
        )
    }
}
