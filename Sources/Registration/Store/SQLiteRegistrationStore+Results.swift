import Foundation
import GRDB
import SeleksiCore
import SeleksiStorage

/// The nodes' results packages as received, and the results taken from them.
extension SQLiteRegistrationStore {
    public func rosterPackage(periodID: String, nodeID: String, version: Int) async throws -> StoredRosterPackage? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM roster_package WHERE period_id = ? AND node_id = ? AND version = ?",
                arguments: [periodID, nodeID, version]
            ).map {
                StoredRosterPackage(
                    nodeID: $0["node_id"],
                    version: $0["version"],
                    contentDigest: $0["content_digest"],
                    envelope: $0["envelope"],
                    builtAt: $0["built_at"]
                )
            }
        }
    }

    public func saveResults(_ package: StoredResultsPackage, _ results: [ExamResult], periodID: String, audit: AuditEntry) async throws -> Bool {
        try await grouped.write { db in
            if let held = try String.fetchOne(
                db,
                sql: "SELECT digest FROM results_package WHERE period_id = ? AND session_id = ?",
                arguments: [periodID, package.sessionID]
            ) {
                if held == package.digest { return false }
                throw ResultsRule.alreadyImported(package.sessionID, digest: held)
            }
            try db.execute(
                sql: """
                    INSERT INTO results_package (period_id, session_id, node_id, digest, envelope, candidates, imported_at, imported_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    periodID, package.sessionID, package.nodeID, package.digest, package.envelope, package.candidates, package.importedAt, package.importedBy,
                ]
            )
            let elsewhere = try db.cachedStatement(
                sql: "SELECT session_id, resit_of FROM exam_result WHERE period_id = ? AND participant_number = ? AND status != 'absent'"
            )
            let resit = try db.cachedStatement(sql: "SELECT from_session FROM resit WHERE period_id = ? AND participant_number = ? AND to_session = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO exam_result (period_id, participant_number, session_id, status, reason, scores, total, passed, started_at, finished_at,
                      paper_fingerprint, answer_log_digest, resit_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for result in results {
                // A re-sit the committee granted replaces the attempt of the session it names.
                let replaces = try String.fetchOne(resit, arguments: [periodID, result.participantNumber, result.sessionID])
                if result.status != .absent {
                    for other in try Row.fetchAll(elsewhere, arguments: [periodID, result.participantNumber]) {
                        let session: String = other["session_id"]
                        guard replaces == session || (other["resit_of"] as String?) == result.sessionID else {
                            throw ResultsRule.resultElsewhere(result.participantNumber, session: session)
                        }
                    }
                }
                try insert.execute(arguments: [
                    periodID, result.participantNumber, result.sessionID, result.status.rawValue, result.reason, try Self.json(result.scores), result.total,
                    result.passed, result.startedAt, result.finishedAt, result.paperFingerprint, result.answerLogDigest, replaces,
                ])
            }
            try Self.insertAudit(db, audit)
            return true
        }
    }

    public func resultsPackages(periodID: String) async throws -> [StoredResultsPackage] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM results_package WHERE period_id = ? ORDER BY session_id", arguments: [periodID]).map(Self.resultsPackage)
        }
    }

    public func resultsSessionIDs(periodID: String, nodeID: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT session_id FROM results_package WHERE period_id = ? AND node_id = ? ORDER BY session_id",
                arguments: [periodID, nodeID]
            )
        }
    }

    public func resultsPackage(periodID: String, sessionID: String) async throws -> StoredResultsPackage? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM results_package WHERE period_id = ? AND session_id = ?", arguments: [periodID, sessionID])
                .map(Self.resultsPackage)
        }
    }

    public func examResults(periodID: String) async throws -> [ExamResult] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM exam_result WHERE period_id = ? ORDER BY participant_number", arguments: [periodID]).map { row in
                ExamResult(
                    participantNumber: row["participant_number"],
                    sessionID: row["session_id"],
                    status: ResultsPackage.Status(rawValue: row["status"]) ?? .absent,
                    reason: row["reason"],
                    scores: try Self.decoder.decode([String: Int].self, from: Data((row["scores"] as String).utf8)),
                    total: row["total"],
                    passed: row["passed"],
                    startedAt: row["started_at"],
                    finishedAt: row["finished_at"],
                    paperFingerprint: row["paper_fingerprint"],
                    answerLogDigest: row["answer_log_digest"],
                    resitOf: row["resit_of"]
                )
            }
        }
    }

    public func rankedApplicants(periodID: String) async throws -> [RankedApplicant] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.participant_number, c.name, p.formation_id, p.slot_id FROM application p JOIN account c ON c.id = p.account_id
                    WHERE p.period_id = ? AND p.participant_number IS NOT NULL AND c.frozen_at IS NULL ORDER BY p.participant_number
                    """,
                arguments: [periodID]
            ).map { RankedApplicant(participantNumber: $0["participant_number"], name: $0["name"], formationID: $0["formation_id"], slotID: $0["slot_id"]) }
        }
    }

    static func resultsPackage(_ row: Row) -> StoredResultsPackage {
        StoredResultsPackage(
            sessionID: row["session_id"],
            nodeID: row["node_id"],
            digest: row["digest"],
            envelope: row["envelope"],
            candidates: row["candidates"],
            importedAt: row["imported_at"],
            importedBy: row["imported_by"]
        )
    }
}
