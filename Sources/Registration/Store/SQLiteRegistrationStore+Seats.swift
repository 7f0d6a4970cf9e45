import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// Participant numbers and seats (the rule is `SeatAssigner`).
extension SQLiteRegistrationStore {
    public func assignSeats(period: SelectionPeriod, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry) async throws -> (assigned: Int, unplaced: Int) {
        try await grouped.write { db in
            let serial = try Int.fetchOne(try db.cachedStatement(sql: "SELECT next_serial FROM period WHERE id = ?"), arguments: [period.id]) ?? 1
            // Every submitted application without a seat; who of them may sit is the rule's call.
            let candidates = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, draft, result, submitted_at, objection_reason IS NOT NULL AS objected, objection_answered_at IS NOT NULL AS answered
                    FROM application WHERE period_id = ? AND status = 'submitted' AND participant_number IS NULL
                      AND account_id NOT IN (SELECT id FROM account WHERE frozen_at IS NOT NULL)
                    """,
                arguments: [period.id]
            ).map { row in
                SeatAssigner.Submitted(
                    applicationID: row["id"],
                    result: (row["result"] as String?).flatMap(VerificationResult.init(rawValue:)),
                    objectionPending: (row["objected"] as Bool) && !(row["answered"] as Bool),
                    submittedAt: row["submitted_at"] ?? 0,
                    testLocation: try Self.decoder.decode(ApplicationDraft.self, from: Data((row["draft"] as String).utf8)).testLocation
                )
            }
            let waiting = SeatAssigner.waiting(candidates)
            let slots = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE period_id = ? ORDER BY starts_at, session_number, id"),
                arguments: [period.id]
            ).map(Self.slot).filter { !SeatAssigner.isRosterFixed($0, now: now, freezeMilliseconds: freezeMilliseconds) }
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

    public func moveSeat(applicationID: Int64, slotID: String, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry) async throws {
        try await grouped.write { db in
            guard
                let current = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT slot_id, period_id, participant_number FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else {
                throw RegistrationError.notFound
            }
            guard let old: String = current["slot_id"] else { throw RegistrationError.notEligibleForCard }
            guard let target = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [slotID]).map(Self.slot)
            else { throw RegistrationError.notFound }
            if old == slotID, target.periodID == current["period_id"] { return }
            if let participant: String = current["participant_number"],
                let from = try Self.resitSource(db, period: current["period_id"], participant: participant, to: old)
            {
                throw RegistrationError(
                    "seat-is-resit",
                    kind: .conflict,
                    "Kursi ini ujian ulang dari sesi \(from) (keputusan panitia); kursi ujian ulang tidak dipindah."
                )
            }
            guard let from = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?"), arguments: [old]).map(Self.slot)
            else { throw RegistrationError.notFound }
            if let refusal = SeatAssigner.moveRefusal(from: from, to: target, periodID: current["period_id"], now: now, freezeMilliseconds: freezeMilliseconds)
            {
                throw refusal
            }
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned - 1 WHERE id = ?", arguments: [old])
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned + 1 WHERE id = ?", arguments: [slotID])
            try db.execute(sql: "UPDATE application SET slot_id = ? WHERE id = ?", arguments: [slotID, applicationID])
            try Self.insertAudit(db, audit)
        }
    }

    public func grantResit(
        applicationID: Int64,
        slotID: String,
        reason: String,
        by: String,
        now: Int64,
        freezeMilliseconds: Int64,
        audit: AuditEntry
    )
        async throws
    {
        try await grouped.write { db in
            guard
                let current = try Row.fetchOne(
                    db,
                    sql: "SELECT slot_id, period_id, participant_number FROM application WHERE id = ?",
                    arguments: [applicationID]
                )
            else { throw RegistrationError.notFound }
            guard let old: String = current["slot_id"], let participant: String = current["participant_number"] else {
                throw RegistrationError.notEligibleForCard
            }
            let slots = try db.cachedStatement(sql: "SELECT * FROM exam_slot WHERE id = ?")
            guard let from = try Row.fetchOne(slots, arguments: [old]).map(Self.slot), let target = try Row.fetchOne(slots, arguments: [slotID]).map(Self.slot)
            else { throw RegistrationError.notFound }
            let period: String = current["period_id"]
            if let earlier = try Self.resitSource(db, period: period, participant: participant, to: old) {
                throw RegistrationError(
                    "resit-of-resit",
                    kind: .conflict,
                    "Sesi \(old) sudah ujian ulang peserta \(participant) (dari sesi \(earlier)); ujian ulang kedua tidak diberikan."
                )
            }
            if let refusal = ResitRule.refusal(from: from, to: target, periodID: period, reason: reason, now: now, freezeMilliseconds: freezeMilliseconds) {
                throw refusal
            }
            try db.execute(
                sql: """
                    INSERT INTO resit (period_id, participant_number, from_session, to_session, reason, granted_by, granted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [period, participant, old, slotID, reason.trimmingCharacters(in: .whitespacesAndNewlines), by, now]
            )
            guard db.changesCount == 1 else {
                throw RegistrationError(
                    "resit-granted",
                    kind: .conflict,
                    "Peserta \(participant) sudah mendapat ujian ulang dari sesi \(old) atau ke sesi \(slotID)."
                )
            }
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned - 1 WHERE id = ?", arguments: [old])
            try db.execute(sql: "UPDATE exam_slot SET assigned = assigned + 1 WHERE id = ?", arguments: [slotID])
            try db.execute(sql: "UPDATE application SET slot_id = ? WHERE id = ?", arguments: [slotID, applicationID])
            try Self.insertAudit(db, audit)
        }
    }

    /// The session a seat in `to` is a granted re-sit of, if it is one.
    static func resitSource(_ db: Database, period: String, participant: String, to session: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT from_session FROM resit WHERE period_id = ? AND participant_number = ? AND to_session = ?"),
            arguments: [period, participant, session]
        )
    }
}
