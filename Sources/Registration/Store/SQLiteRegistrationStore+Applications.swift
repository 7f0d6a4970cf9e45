import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// Applications, their drafts and documents, and ending registration.
extension SQLiteRegistrationStore {
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
        let verification: Verification? = try (row["result"] as String?).flatMap { VerificationResult(rawValue: $0) }.map {
            Verification(
                result: $0,
                reasonCode: row["reason_code"],
                note: row["result_note"] ?? "",
                by: row["verified_by"] ?? "",
                at: row["verified_at"] ?? 0,
                accommodations: try (row["accommodations_confirmed"] as String?).map { try decoder.decode([String].self, from: Data($0.utf8)) } ?? []
            )
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
}
