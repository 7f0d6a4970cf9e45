import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// The verifiers' worklist, their decisions, objections and their answers.
extension SQLiteRegistrationStore {
    public func applications(agencyID: String, periodID: String) async throws -> [ApplicationSummary] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, c.name, f.position, f.type, p.submitted_at, p.result,
                      (p.objection_reason IS NOT NULL AND p.objection_answered_at IS NULL) AS pending
                    FROM application p JOIN formation f ON f.id = p.formation_id JOIN account c ON c.id = p.account_id
                    WHERE f.agency_id = ? AND p.period_id = ? AND p.status = 'submitted' AND c.frozen_at IS NULL ORDER BY p.submitted_at, p.id
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
                sql: """
                    UPDATE application SET result = ?, reason_code = ?, result_note = ?, verified_by = ?, verified_at = ?, accommodations_confirmed = ?
                    WHERE id = ?
                    """,
                arguments: [v.result.rawValue, v.reasonCode, v.note, v.by, v.at, try Self.accommodationsText(v.accommodations), applicationID]
            )
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, result, reason_code, text) VALUES (?, ?, ?, 'verification', ?, ?, ?)",
                arguments: [applicationID, v.at, v.by, v.result.rawValue, v.reasonCode, v.note]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func fileObjection(applicationID: Int64, _ o: Objection, deadline: Int64?) async throws {
        try await grouped.write { db in
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT result, objection_reason, account_id FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else {
                throw RegistrationError.notFound
            }
            let result = (row["result"] as String?).flatMap(VerificationResult.init(rawValue:))
            let alreadyFiled = (row["objection_reason"] as String?) != nil
            if let refusal = ObjectionRule.fileRefusal(result: result, alreadyFiled: alreadyFiled, now: o.filedAt, deadline: deadline) { throw refusal }
            try db.execute(sql: "UPDATE application SET objection_reason = ?, objection_at = ? WHERE id = ?", arguments: [o.reason, o.filedAt, applicationID])
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, text) VALUES (?, ?, ?, 'objection', ?)",
                arguments: [applicationID, o.filedAt, "pelamar:\(row["account_id"] as Int64)", o.reason]
            )
        }
    }

    /// The confirmed accommodations as stored: a JSON array.
    static func accommodationsText(_ names: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
    }

    public func answerObjection(
        applicationID: Int64,
        answer: String,
        accepted: Bool,
        accommodations: [String],
        by: String,
        at: Int64,
        audit: AuditEntry
    ) async throws {
        try await grouped.write { db in
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT objection_reason, objection_answered_at FROM application WHERE id = ?"),
                    arguments: [applicationID]
                )
            else { throw RegistrationError.notFound }
            let filed = (row["objection_reason"] as String?) != nil
            if let refusal = ObjectionRule.answerRefusal(filed: filed, answered: (row["objection_answered_at"] as Int64?) != nil) { throw refusal }
            try db.execute(
                sql: "UPDATE application SET objection_answer = ?, objection_accepted = ?, objection_by = ?, objection_answered_at = ? WHERE id = ?",
                arguments: [answer, accepted, by, at, applicationID]
            )
            if accepted {
                try db.execute(
                    sql: """
                        UPDATE application SET result = 'MS', reason_code = NULL, result_note = ?, verified_by = ?, verified_at = ?, accommodations_confirmed = ?
                        WHERE id = ?
                        """,
                    arguments: ["Sanggahan diterima: " + answer, by, at, try Self.accommodationsText(accommodations), applicationID]
                )
            }
            try db.execute(
                sql: "INSERT INTO verification_event (application_id, at, by, kind, result, text) VALUES (?, ?, ?, 'objection-answer', ?, ?)",
                arguments: [applicationID, at, by, accepted ? "MS" : "TMS", answer]
            )
            try Self.insertAudit(db, audit)
        }
    }
}
