import Foundation
import GRDB
import SeleksiCore

/// What a closed session reports: its candidates' results and answer logs, the signed
/// package made of them, and whether the portal has acknowledged it.
extension SQLiteExamTransaction {
    func resultsBasis(session: String) throws -> ResultsBasis? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM exam_session WHERE id = ?", arguments: [session]) else { return nil }
        return ResultsBasis(
            session: StoredSession(row: row),
            closedAt: row["closed_at"],
            rosterVersion: row["roster_version"],
            periodID: row["roster_period"],
            nodeID: row["roster_node"]
        )
    }

    func results(session: String) throws -> [StoredResult] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT participant_number, started_at, finished_at, finish_reason, disqualified_reason, score, fingerprint
                FROM candidate WHERE session_id = ? ORDER BY participant_number
                """,
            arguments: [session]
        ).map { row in
            StoredResult(
                participant: row["participant_number"],
                startedAt: row["started_at"],
                finishedAt: row["finished_at"],
                finishReason: row["finish_reason"],
                disqualifiedReason: row["disqualified_reason"],
                score: (row["score"] as String?).flatMap { try? JSONDecoder().decode(ScoreSheet.self, from: Data($0.utf8)) },
                fingerprint: row["fingerprint"]
            )
        }
    }

    func answerLogs(session: String) throws -> [String: [ResultsPackage.LogLine]] {
        var logs: [String: [ResultsPackage.LogLine]] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT participant_number, client_seq, item_id, kind, option_id, server_ms FROM answer_log
                WHERE session_id = ? ORDER BY participant_number, client_seq
                """,
            arguments: [session]
        )
        while let row = try rows.next() {
            logs[row["participant_number"], default: []].append(
                ResultsPackage.LogLine(sequence: row["client_seq"], item: row["item_id"], kind: row["kind"], option: row["option_id"], at: row["server_ms"])
            )
        }
        return logs
    }

    func resultsPackage(session: String) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT envelope FROM results_package WHERE session_id = ?", arguments: [session])
    }

    func undeliveredResults() throws -> [(session: String, envelope: Data)] {
        try Row.fetchAll(db, sql: "SELECT session_id, envelope FROM results_package WHERE delivered_at IS NULL ORDER BY created_at, session_id").map {
            ($0["session_id"], $0["envelope"])
        }
    }

    func setRosterVersion(session: String, version: Int, digest: String, periodID: String, nodeID: String) throws {
        try db.execute(
            sql: "UPDATE exam_session SET roster_version = ?, roster_digest = ?, roster_period = ?, roster_node = ? WHERE id = ?",
            arguments: [version, digest, periodID, nodeID, session]
        )
    }

    func disqualify(session: String, participant: String, at now: Int64, reason: String) throws {
        try db.execute(
            sql: """
                UPDATE candidate SET finished_at = COALESCE(finished_at, ?), finish_reason = 'disqualified', disqualified_reason = ?, finish_problem = NULL
                WHERE session_id = ? AND participant_number = ?
                """,
            arguments: [now, reason, session, participant]
        )
    }

    func insertResultsPackage(session: String, digest: String, envelope: Data, at now: Int64) throws -> Bool {
        try db.execute(
            sql: "INSERT INTO results_package (session_id, digest, envelope, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [session, digest, envelope, now]
        )
        return db.changesCount == 1
    }

    func markResultsDelivered(session: String, at now: Int64) throws {
        try db.execute(sql: "UPDATE results_package SET delivered_at = ? WHERE session_id = ? AND delivered_at IS NULL", arguments: [now, session])
    }
}
