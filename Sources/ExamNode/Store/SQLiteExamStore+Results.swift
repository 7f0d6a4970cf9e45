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
            try StoredResult(
                participant: row["participant_number"],
                startedAt: row["started_at"],
                finishedAt: row["finished_at"],
                finishReason: row["finish_reason"],
                disqualifiedReason: row["disqualified_reason"],
                score: try ScoreSheet.stored(row["score"], session: session, participant: row["participant_number"]),
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

    func allResults() throws -> [(session: String, envelope: Data)] {
        try Row.fetchAll(db, sql: "SELECT session_id, envelope FROM results_package ORDER BY created_at, session_id").map {
            ($0["session_id"], $0["envelope"])
        }
    }

    func closedSessionsWithoutResults() throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT id FROM exam_session
                WHERE state = 'closed' AND roster_version IS NOT NULL AND id NOT IN (SELECT session_id FROM results_package) ORDER BY id
                """
        )
    }

    func markRosterLoading(session: String, version: Int) throws {
        try db.execute(sql: "UPDATE exam_session SET roster_loading = ? WHERE id = ?", arguments: [version, session])
    }

    func rosterLoading(session: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT roster_loading FROM exam_session WHERE id = ?", arguments: [session]) ?? nil
    }

    func setRosterVersion(session: String, version: Int, digest: String, periodID: String, nodeID: String, createdAt: Int64) throws {
        try db.execute(
            sql: """
                UPDATE exam_session SET roster_version = ?, roster_digest = ?, roster_period = ?, roster_node = ?, roster_created_at = ?,
                    roster_loading = NULL WHERE id = ?
                """,
            arguments: [version, digest, periodID, nodeID, createdAt, session]
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
        // Their score already went live: its withdrawal goes the same way.
        try db.execute(
            sql: "UPDATE candidate SET live_withdraw = 1, live_sent_at = NULL WHERE session_id = ? AND participant_number = ? AND live_sent_at IS NOT NULL",
            arguments: [session, participant]
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

/// Scores as candidates finish: for the portal's live page and the venue's screen.
extension SQLiteExamTransaction {
    func unsentScores(limit: Int) throws -> [UnsentScore] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.session_id, c.participant_number, c.score, c.finished_at, c.live_withdraw, s.roster_period, s.roster_node
                FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE c.finished_at IS NOT NULL AND c.live_sent_at IS NULL AND c.score IS NOT NULL
                  AND (c.finish_reason NOT IN ('absent', 'disqualified') OR c.live_withdraw = 1) AND s.roster_period IS NOT NULL
                ORDER BY c.finished_at LIMIT ?
                """,
            arguments: [limit]
        ).map { row in
            // The query asks for rows with a score: one that cannot be read stops the feed
            // with its name, rather than holding a place in every batch unsent.
            let score = try ScoreSheet.read(row["score"], session: row["session_id"], participant: row["participant_number"])
            return UnsentScore(
                session: row["session_id"],
                participant: row["participant_number"],
                periodID: row["roster_period"],
                nodeID: row["roster_node"],
                score: score,
                finishedAt: row["finished_at"],
                withdrawn: row["live_withdraw"] as Bool
            )
        }
    }

    func finishedScores(session: String) throws -> [(participant: String, name: String, score: ScoreSheet, finishedAt: Int64)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT participant_number, name, score, finished_at FROM candidate
                WHERE session_id = ? AND finished_at IS NOT NULL AND score IS NOT NULL AND finish_reason NOT IN ('absent', 'disqualified')
                ORDER BY finished_at DESC, participant_number
                """,
            arguments: [session]
        ).map { row in
            let score = try ScoreSheet.read(row["score"], session: session, participant: row["participant_number"])
            return (row["participant_number"], row["name"], score, row["finished_at"])
        }
    }

    func markScoresSent(_ attempts: [(session: String, participant: String)], at now: Int64) throws {
        let statement = try db.cachedStatement(sql: "UPDATE candidate SET live_sent_at = ? WHERE session_id = ? AND participant_number = ?")
        // Disqualified while their score was on its way: the withdrawal goes next.
        let withdraw = try db.cachedStatement(
            sql: """
                UPDATE candidate SET live_withdraw = 1, live_sent_at = NULL
                WHERE session_id = ? AND participant_number = ? AND finish_reason = 'disqualified' AND live_withdraw = 0
                """
        )
        for attempt in attempts {
            try statement.execute(arguments: [now, attempt.session, attempt.participant])
            try withdraw.execute(arguments: [attempt.session, attempt.participant])
        }
    }
}

extension ScoreSheet {
    /// A score as the node stored it (nil for none). One it cannot read is the node's own
    /// fault, named, never taken as no score (a results package would then call a finished
    /// candidate scoreless).
    static func stored(_ text: String?, session: String, participant: String) throws -> ScoreSheet? {
        try text.map { try read($0, session: session, participant: participant) }
    }

    /// A score the query asked to be there.
    static func read(_ text: String, session: String, participant: String) throws -> ScoreSheet {
        do {
            return try JSONDecoder().decode(ScoreSheet.self, from: Data(text.utf8))
        } catch {
            throw ExamNodeError("score-unreadable", kind: .internal, "Nilai peserta \(participant) di sesi \(session) yang tersimpan tidak dapat dibaca.")
        }
    }
}
