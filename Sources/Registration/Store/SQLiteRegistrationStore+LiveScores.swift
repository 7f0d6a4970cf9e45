import Foundation
import GRDB
import SeleksiStorage

/// Scores as the nodes send them while a session runs.
extension SQLiteRegistrationStore {
    public func saveLiveScores(_ scores: [LiveScore], periodID: String, at now: Int64) async throws -> Int {
        try await grouped.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO live_score (period_id, session_id, participant_number, name, scores, total, passed, finished_at, received_at, withdrawn)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
            )
            // A withdrawal replaces the score (a new event id), and a score arriving after it is ignored.
            let takeDown = try db.cachedStatement(
                sql: "DELETE FROM live_score WHERE period_id = ? AND session_id = ? AND participant_number = ? AND withdrawn = 0"
            )
            var added = 0
            for score in scores {
                if score.withdrawn { try takeDown.execute(arguments: [periodID, score.sessionID, score.participantNumber]) }
                try insert.execute(arguments: [
                    periodID, score.sessionID, score.participantNumber, score.name, try Self.json(score.withdrawn ? [:] : score.scores),
                    score.withdrawn ? 0 : score.total, score.withdrawn ? nil : score.passed, score.finishedAt, now, score.withdrawn,
                ])
                added += db.changesCount
            }
            return added
        }
    }

    public func liveScores(periodID: String, sessionID: String, after: Int64, limit: Int) async throws -> [LiveScore] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM live_score WHERE period_id = ? AND session_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [periodID, sessionID, after, limit]
            ).map { row in
                LiveScore(
                    id: row["id"],
                    sessionID: row["session_id"],
                    participantNumber: row["participant_number"],
                    name: row["name"],
                    scores: try Self.decoder.decode([String: Int].self, from: Data((row["scores"] as String).utf8)),
                    total: row["total"],
                    passed: row["passed"],
                    finishedAt: row["finished_at"],
                    withdrawn: row["withdrawn"]
                )
            }
        }
    }
}
