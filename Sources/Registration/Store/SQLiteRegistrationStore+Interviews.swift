import ExamEngine
import Foundation
import GRDB
public import Selection
import SeleksiCore
import SeleksiStorage

/// Interview panels and bookings. A slot is held by one booking at most and a candidate
/// holds one booking: both are unique keys of `interview_booking`, so two writers racing
/// for the last slot cannot both get it, whatever the service checked before.
extension SQLiteRegistrationStore {
    public func saveInterviewPanel(_ panel: InterviewPanel, periodID: String, audit: AuditEntry) async throws {
        let config = try Self.json(panel)
        try await grouped.write { db in
            let booked = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM interview_booking WHERE period_id = ? AND panel_id = ?",
                arguments: [periodID, panel.id]
            )
            if booked ?? 0 > 0 {
                throw RegistrationError(
                    "interview-panel-in-use",
                    kind: .conflict,
                    "Panel \(panel.id) sudah punya jadwal wawancara (\(booked!) peserta); buat panel baru untuk tambahan slot."
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO interview_panel (period_id, id, config, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(period_id, id) DO UPDATE SET config = excluded.config, saved_at = excluded.saved_at, saved_by = excluded.saved_by
                    """,
                arguments: [periodID, panel.id, config, audit.at, audit.actor]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func interviewPanels(periodID: String) async throws -> [InterviewPanel] {
        try await writer.read { db in try Self.panels(db, periodID: periodID) }
    }

    static func panels(_ db: Database, periodID: String) throws -> [InterviewPanel] {
        try String.fetchAll(db, sql: "SELECT config FROM interview_panel WHERE period_id = ? ORDER BY id", arguments: [periodID]).map {
            try decoder.decode(InterviewPanel.self, from: Data($0.utf8))
        }
    }

    public func addInterviewBookings(_ bookings: [InterviewBooking], periodID: String, mails: [Mail], audit: AuditEntry) async throws {
        try await grouped.write { db in
            // A conflict declared while the schedule was being made: none of it is kept.
            var conflicted: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT interviewer, participant_number FROM interview_conflict WHERE period_id = ?", arguments: [periodID]) {
                conflicted[row["participant_number"], default: []].insert(row["interviewer"])
            }
            if !conflicted.isEmpty {
                let interviewers = Dictionary(uniqueKeysWithValues: try Self.panels(db, periodID: periodID).map { ($0.id, $0.interviewers) })
                for booking in bookings where !(conflicted[booking.participantNumber] ?? []).isDisjoint(with: interviewers[booking.slot.panelID] ?? []) {
                    throw RegistrationError("interview-schedule-changed", kind: .conflict, "Jadwal wawancara berubah selama penjadwalan; jalankan lagi.")
                }
            }
            do {
                for booking in bookings {
                    try db.execute(
                        sql: """
                            INSERT INTO interview_booking (period_id, participant_number, panel_id, starts_at, ends_at, sequence, booked_at, moved_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                            """,
                        arguments: [
                            periodID, booking.participantNumber, booking.slot.panelID, booking.slot.start, booking.slot.end, booking.sequence,
                            booking.bookedAt,
                        ]
                    )
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                // Another run booked meanwhile: none of this one is kept.
                throw RegistrationError("interview-schedule-changed", kind: .conflict, "Jadwal wawancara berubah selama penjadwalan; jalankan lagi.")
            }
            for mail in mails { try Self.insertMail(db, mail) }
            try Self.insertAudit(db, audit)
        }
    }

    public func interviewBookings(periodID: String) async throws -> [InterviewBooking] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM interview_booking WHERE period_id = ? ORDER BY starts_at, panel_id",
                arguments: [periodID]
            ).map(Self.booking)
        }
    }

    public func interviewBooking(periodID: String, participantNumber: String) async throws -> InterviewBooking? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM interview_booking WHERE period_id = ? AND participant_number = ?",
                arguments: [periodID, participantNumber]
            ).map(Self.booking)
        }
    }

    public func moveInterview(
        periodID: String,
        participantNumber: String,
        from: InterviewSlot,
        to slot: InterviewSlot,
        now: Int64,
        mail: Mail?,
        audit: AuditEntry
    ) async throws -> InterviewBooking {
        try await grouped.write { db in
            do {
                // Only the booking as the candidate saw it, and only once: a second
                // request racing the first finds it moved.
                try db.execute(
                    sql: """
                        UPDATE interview_booking SET panel_id = ?, starts_at = ?, ends_at = ?, sequence = sequence + 1, moved_at = ?
                        WHERE period_id = ? AND participant_number = ? AND moved_at IS NULL AND panel_id = ? AND starts_at = ?
                        """,
                    arguments: [slot.panelID, slot.start, slot.end, now, periodID, participantNumber, from.panelID, from.start]
                )
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw InterviewMoveRule.slotTaken
            }
            guard db.changesCount == 1 else {
                throw RegistrationError("interview-moved-once", kind: .conflict, "Jadwal wawancara hanya dapat dipindah satu kali, dan sudah Anda pindah.")
            }
            if let mail { try Self.insertMail(db, mail) }
            try Self.insertAudit(db, audit)
            let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM interview_booking WHERE period_id = ? AND participant_number = ?",
                arguments: [periodID, participantNumber]
            )
            return Self.booking(row!)
        }
    }

    public func applicantContacts(periodID: String, participantNumbers: [String]) async throws -> [String: (name: String, email: String)] {
        let numbers = Array(Set(participantNumbers)).sorted()
        return try await writer.read { db in
            var contacts: [String: (name: String, email: String)] = [:]
            for start in stride(from: 0, to: numbers.count, by: 500) {
                let chunk = Array(numbers[start..<min(start + 500, numbers.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.participant_number, c.name, c.email FROM application p JOIN account c ON c.id = p.account_id
                        WHERE p.period_id = ? AND c.frozen_at IS NULL AND p.participant_number IN (\(marks))
                        """,
                    arguments: StatementArguments([periodID] + chunk)
                )
                for row in rows { contacts[row["participant_number"]] = (row["name"], row["email"]) }
            }
            return contacts
        }
    }

    public func saveSKBScore(
        _ score: SKBComponentScore,
        periodID: String,
        audit: @escaping @Sendable (SKBComponentScore?) -> AuditEntry
    ) async throws -> SKBComponentScore? {
        let marks = try Self.json(score.marks)
        return try await grouped.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM announcement WHERE period_id = ? AND stage = 'final')", arguments: [periodID]) == true {
                throw RegistrationError("final-announced", kind: .conflict, "Hasil akhir sudah diumumkan; nilai tidak dapat diubah lagi.")
            }
            let previous = try Row.fetchOne(
                db,
                sql: "SELECT * FROM skb_score WHERE period_id = ? AND participant_number = ? AND component = ?",
                arguments: [periodID, score.participantNumber, score.component.rawValue]
            ).map { try Self.score($0) }
            try db.execute(
                sql: """
                    INSERT INTO skb_score (period_id, participant_number, component, marks, total, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(period_id, participant_number, component) DO UPDATE SET marks = excluded.marks, total = excluded.total,
                      entered_by = excluded.entered_by, entered_at = excluded.entered_at
                    """,
                arguments: [periodID, score.participantNumber, score.component.rawValue, marks, score.total, score.enteredBy, score.enteredAt]
            )
            try Self.insertAudit(db, audit(previous))
            return previous
        }
    }

    public func skbScores(periodID: String) async throws -> [SKBComponentScore] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM skb_score WHERE period_id = ? ORDER BY participant_number, component", arguments: [periodID]).map {
                try Self.score($0)
            }
        }
    }

    /// A row's SKB component; one this version does not know is a fault of the store, never
    /// read as another component.
    static func component(_ row: Row) throws -> SKBPlan.ComponentKind {
        guard let component = SKBPlan.ComponentKind(rawValue: row["component"]) else {
            throw RegistrationError("store-unknown-component", kind: .internal, "Komponen SKB tidak dikenal di penyimpanan.")
        }
        return component
    }

    static func score(_ row: Row) throws -> SKBComponentScore {
        SKBComponentScore(
            participantNumber: row["participant_number"],
            component: try component(row),
            marks: (try? decoder.decode([String: Int].self, from: Data((row["marks"] as String).utf8))) ?? [:],
            total: row["total"],
            enteredBy: row["entered_by"],
            enteredAt: row["entered_at"]
        )
    }

    static func booking(_ row: Row) -> InterviewBooking {
        InterviewBooking(
            participantNumber: row["participant_number"],
            slot: InterviewSlot(panelID: row["panel_id"], start: row["starts_at"], end: row["ends_at"]),
            sequence: row["sequence"],
            bookedAt: row["booked_at"],
            movedAt: row["moved_at"]
        )
    }
}

/// Interviewers' conflicts of interest, and the bookings they withdrew.
extension SQLiteRegistrationStore {
    public func declareInterviewConflict(
        _ conflict: InterviewConflict,
        periodID: String,
        withdrawing: InterviewBooking?,
        mail: Mail?,
        audit: AuditEntry
    ) async throws {
        try await grouped.write { db in
            try db.execute(
                sql: """
                    INSERT INTO interview_conflict (period_id, interviewer, participant_number, reason, declared_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(period_id, interviewer, participant_number) DO UPDATE SET reason = excluded.reason, declared_at = excluded.declared_at
                    """,
                arguments: [periodID, conflict.interviewer, conflict.participantNumber, conflict.reason, conflict.declaredAt]
            )
            if let booking = withdrawing {
                try db.execute(
                    sql: "DELETE FROM interview_booking WHERE period_id = ? AND participant_number = ? AND panel_id = ? AND starts_at = ? AND sequence = ?",
                    arguments: [periodID, booking.participantNumber, booking.slot.panelID, booking.slot.start, booking.sequence]
                )
                guard db.changesCount == 1 else {
                    throw RegistrationError("interview-schedule-changed", kind: .conflict, "Jadwal peserta itu baru saja berubah; coba lagi.")
                }
                try db.execute(
                    sql: """
                        INSERT INTO interview_withdrawal (period_id, participant_number, panel_id, starts_at, ends_at, sequence, booked_at, withdrawn_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(period_id, participant_number) DO UPDATE SET panel_id = excluded.panel_id, starts_at = excluded.starts_at,
                          ends_at = excluded.ends_at, sequence = excluded.sequence, booked_at = excluded.booked_at, withdrawn_at = excluded.withdrawn_at
                        """,
                    arguments: [
                        periodID, booking.participantNumber, booking.slot.panelID, booking.slot.start, booking.slot.end, booking.sequence + 1,
                        booking.bookedAt, audit.at,
                    ]
                )
            }
            if let mail { try Self.insertMail(db, mail) }
            try Self.insertAudit(db, audit)
        }
    }

    public func interviewConflicts(periodID: String) async throws -> [InterviewConflict] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM interview_conflict WHERE period_id = ? ORDER BY interviewer, participant_number",
                arguments: [periodID]
            ).map { row in
                InterviewConflict(
                    interviewer: row["interviewer"],
                    participantNumber: row["participant_number"],
                    reason: row["reason"],
                    declaredAt: row["declared_at"]
                )
            }
        }
    }

    public func interviewWithdrawals(periodID: String) async throws -> [InterviewBooking] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM interview_withdrawal w WHERE w.period_id = ? AND NOT EXISTS (
                      SELECT 1 FROM interview_booking b WHERE b.period_id = w.period_id AND b.participant_number = w.participant_number)
                    ORDER BY w.participant_number
                    """,
                arguments: [periodID]
            ).map { row in
                InterviewBooking(
                    participantNumber: row["participant_number"],
                    slot: InterviewSlot(panelID: row["panel_id"], start: row["starts_at"], end: row["ends_at"]),
                    sequence: row["sequence"],
                    bookedAt: row["booked_at"],
                    movedAt: row["withdrawn_at"]
                )
            }
        }
    }
}

/// Who may score which SKB component of which formation.
extension SQLiteRegistrationStore {
    public func saveSKBAssessors(_ assessors: [SKBAssessor], periodID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            var added = 0
            for assessor in assessors {
                try db.execute(
                    sql: """
                        INSERT INTO skb_assessor (period_id, username, component, formation_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(period_id, username, component, formation_id) DO NOTHING
                        """,
                    arguments: [periodID, assessor.username, assessor.component.rawValue, assessor.formationID, assessor.assignedAt, assessor.assignedBy]
                )
                added += db.changesCount
            }
            if added > 0 { try Self.insertAudit(db, audit) }
        }
    }

    public func skbAssessors(periodID: String) async throws -> [SKBAssessor] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM skb_assessor WHERE period_id = ? ORDER BY username, component, formation_id",
                arguments: [periodID]
            ).map { row in
                SKBAssessor(
                    username: row["username"],
                    component: try Self.component(row),
                    formationID: row["formation_id"],
                    assignedAt: row["assigned_at"],
                    assignedBy: row["assigned_by"]
                )
            }
        }
    }
}
