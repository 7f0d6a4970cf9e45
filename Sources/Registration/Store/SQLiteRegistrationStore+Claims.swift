import Foundation
import GRDB
import SeleksiCore
import SeleksiStorage

/// NIK claims, and the freeze an upheld one puts on the account that held the NIK.
extension SQLiteRegistrationStore {
    public func fileClaim(_ claim: NIKClaim, mails: [Mail], audit: AuditEntry) async throws -> NIKClaim {
        try await grouped.write { db in
            let held = try Int64.fetchOne(
                db,
                sql: "SELECT id FROM account WHERE period_id = ? AND nik = ? AND frozen_at IS NULL",
                arguments: [claim.periodID, claim.nik]
            )
            let pending =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM nik_claim WHERE period_id = ? AND nik = ? AND status = 'pending')",
                    arguments: [claim.periodID, claim.nik]
                ) ?? false
            if let refusal = NIKClaimRule.fileRefusal(heldByAccount: held != nil, pendingClaim: pending) { throw refusal }
            var filed = claim
            filed.heldAccountID = held!
            filed.status = .pending
            try db.execute(
                sql: """
                    INSERT INTO nik_claim (period_id, nik, kk, name, birth_date, email, phone, statement, held_account_id, documents, filed_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                    """,
                arguments: [
                    filed.periodID, filed.nik, filed.kk, filed.name, filed.birthDate, filed.email, filed.phone, filed.statement, filed.heldAccountID,
                    try Self.json(filed.documents), filed.filedAt,
                ]
            )
            filed.id = db.lastInsertedRowID
            for mail in mails { try Self.insertMail(db, mail) }
            var entry = audit
            entry.subject = "klaim:\(filed.id)"
            try Self.insertAudit(db, entry)
            return filed
        }
    }

    public func claim(id: Int64) async throws -> NIKClaim? {
        try await writer.read { db in try Self.claim(db, id: id) }
    }

    static func claim(_ db: Database, id: Int64) throws -> NIKClaim? {
        try Row.fetchOne(db, sql: "SELECT * FROM nik_claim WHERE id = ?", arguments: [id]).map(Self.claim)
    }

    public func claims(periodID: String, status: NIKClaim.Status?) async throws -> [NIKClaim] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM nik_claim WHERE period_id = ? AND (? IS NULL OR status = ?) ORDER BY filed_at, id",
                arguments: [periodID, status?.rawValue, status?.rawValue]
            ).map(Self.claim)
        }
    }

    public func decideClaim(id: Int64, upheld: Bool, by: String, at: Int64, note: String, mails: [Mail], audit: [AuditEntry]) async throws -> NIKClaim {
        try await grouped.write { db in
            guard var claim = try Self.claim(db, id: id) else { throw RegistrationError.notFound }
            if let refusal = NIKClaimRule.decisionRefusal(claim, note: note) { throw refusal }
            claim.status = upheld ? .upheld : .rejected
            claim.decidedBy = by
            claim.decidedAt = at
            claim.decisionNote = note
            try db.execute(
                sql: "UPDATE nik_claim SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
                arguments: [claim.status.rawValue, by, at, note, id]
            )
            if upheld {
                try db.execute(
                    sql: "UPDATE account SET frozen_at = ?, frozen_by_claim = ? WHERE id = ? AND frozen_at IS NULL",
                    arguments: [at, id, claim.heldAccountID]
                )
                try db.execute(sql: "DELETE FROM auth_session WHERE account_id = ?", arguments: [claim.heldAccountID])
            }
            for mail in mails { try Self.insertMail(db, mail) }
            for entry in audit { try Self.insertAudit(db, entry) }
            return claim
        }
    }

    static func claim(_ row: Row) throws -> NIKClaim {
        NIKClaim(
            id: row["id"],
            periodID: row["period_id"],
            nik: row["nik"],
            kk: row["kk"],
            name: row["name"],
            birthDate: row["birth_date"],
            email: row["email"],
            phone: row["phone"],
            statement: row["statement"],
            heldAccountID: row["held_account_id"],
            documents: try decoder.decode([StoredDocument].self, from: Data((row["documents"] as String).utf8)),
            filedAt: row["filed_at"],
            status: NIKClaim.Status(rawValue: row["status"]) ?? .pending,
            decidedBy: row["decided_by"],
            decidedAt: row["decided_at"],
            decisionNote: row["decision_note"]
        )
    }
}
