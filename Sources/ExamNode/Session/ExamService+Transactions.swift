import Crypto
import ExamEngine
import Foundation
import GRDB
import SeleksiAuth
import SeleksiCore
import SeleksiStorage
import Synchronization

/// What the operations share inside their transactions: finishing and scoring an attempt,
/// finding a candidate by token, timing, summaries and the audit log.
extension ExamService {
    enum IsolatedFinish {
        case finished
        /// `new`: the problem was not recorded before (it is audited once).
        case failed(String, new: Bool)
    }

    /// Finishes one attempt in a savepoint of its own: a failure undoes only that attempt,
    /// is recorded on the candidate for the proctor and audited once, and the caller goes on.
    @discardableResult
    func finishIsolated(_ db: Database, session: String, participant: String, reason: String, now: Int64) throws -> IsolatedFinish {
        do {
            try db.inSavepoint {
                try finish(db, session: session, participant: participant, reason: reason, now: now)
                return .commit
            }
            return .finished
        } catch {
            let problem = "\(error)"
            try db.execute(
                sql: "UPDATE candidate SET finish_problem = ? WHERE session_id = ? AND participant_number = ? AND finish_problem IS NOT ?",
                arguments: [problem, session, participant, problem]
            )
            let new = db.changesCount > 0
            if new { try Self.audit(db, now, actor: "sistem", "attempt-finish-failed", session: session, participant: participant, details: problem) }
            return .failed(problem, new: new)
        }
    }

    /// Scores from the answer log (the latest write per item wins) and finishes the attempt.
    @discardableResult
    func finish(_ db: Database, session: String, participant: String, reason: String, now: Int64) throws -> ScoreSheet {
        guard
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT c.*, s.rule_set_id FROM candidate c JOIN exam_session s ON s.id = c.session_id WHERE c.session_id = ? AND c.participant_number = ?",
                arguments: [session, participant]
            )
        else { throw ExamNodeError.unknownCandidate }
        let entry = try catalog.entry(row["rule_set_id"])
        var answers: [String: String] = [:]
        var seen: [String: Int64] = [:]
        for log in try Row.fetchAll(
            db,
            sql:
                "SELECT item_id, kind, option_id, client_seq FROM answer_log WHERE session_id = ? AND participant_number = ? AND kind IN ('answer', 'clear') ORDER BY client_seq",
            arguments: [session, participant]
        ) {
            let item: String = log["item_id"]
            let sequence: Int64 = log["client_seq"]
            guard sequence > seen[item, default: 0] else { continue }
            seen[item] = sequence
            answers[item] = log["option_id"]
        }
        let formation = FormationType(rawValue: row["formation_type"]) ?? .general
        // The paper from memory: when a room's time runs out, the sweeper finishes every
        // attempt in the writer, and decoding each paper there would hold every save.
        let paper =
            try papers.get(session: session, participant: participant) ?? Self.decodePaper(Self.paperRow(db, session: session, participant: participant))
        let sheet = try entry.scorer.score(paper, answers: answers, formationType: formation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "UPDATE candidate SET finished_at = ?, finish_reason = ?, score = ?, finish_problem = NULL WHERE session_id = ? AND participant_number = ?",
            arguments: [now, reason, String(decoding: try encoder.encode(sheet), as: UTF8.self), session, participant]
        )
        try Self.audit(
            db,
            now,
            actor: reason == "candidate" ? participant : "sistem",
            "attempt-finish",
            session: session,
            participant: participant,
            details: "\(reason); total \(sheet.total)"
        )
        return sheet
    }

    static func candidate(_ db: Database, tokenHash: String) throws -> (Row, Row) {
        let row = try candidateRow(db, tokenHash: tokenHash)
        guard let session = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM exam_session WHERE id = ?"), arguments: [row["session_id"]]) else {
            throw ExamNodeError.badToken
        }
        return (row, session)
    }

    /// The candidate a valid token belongs to (on the device it was issued to).
    static func candidateRow(_ db: Database, tokenHash: String) throws -> Row {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT c.session_id, c.participant_number, c.name, c.formation_type, c.allowed_ms, c.extension_ms, c.started_at,
                               c.finished_at, c.score
                        FROM candidate_token t JOIN candidate c ON c.session_id = t.session_id AND c.participant_number = t.participant_number
                        WHERE t.token_hash = ? AND c.device = t.device
                        """
                ),
                arguments: [tokenHash]
            )
        else { throw ExamNodeError.badToken }
        return row
    }

    /// A candidate's paper, read only when needed: the one large value of a candidate, it
    /// has its own table.
    static func paperRow(_ db: Database, session: String, participant: String) throws -> Row {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT paper FROM candidate_paper WHERE session_id = ? AND participant_number = ?",
                arguments: [session, participant]
            )
        else { throw ExamNodeError.unknownCandidate }
        return row
    }

    static func timing(_ row: Row, session: Row, stopped: [StoppedInterval]) -> AttemptTiming? {
        guard let started = row["started_at"] as Int64? else { return nil }
        let allowed: Int64 = (row["allowed_ms"] as Int64) + (row["extension_ms"] as Int64) + (session["extension_ms"] as Int64)
        return AttemptTiming(startedAt: started, allowedMilliseconds: allowed, stopped: stopped)
    }

    static func stoppedIntervals(_ db: Database, session: String) throws -> [StoppedInterval] {
        let pauses = try Row.fetchAll(db.cachedStatement(sql: "SELECT from_ms, to_ms FROM session_pause WHERE session_id = ?"), arguments: [session])
        let downtime = try Row.fetchAll(db.cachedStatement(sql: "SELECT from_ms, to_ms FROM node_downtime"))
        return (pauses + downtime).map { StoppedInterval(from: $0["from_ms"], to: $0["to_ms"]) }
    }

    static func openPause(_ db: Database, session: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM session_pause WHERE session_id = ? AND to_ms IS NULL", arguments: [session])
    }

    static func isCurrent(_ db: Database, session: String, participant: String, item: String, sequence: Int64, kind: String) throws -> Bool {
        let column = kind == "answer" || kind == "clear" ? "answer_seq" : "doubt_seq"
        return try Int64.fetchOne(
            db,
            sql: "SELECT \(column) FROM current_answer WHERE session_id = ? AND participant_number = ? AND item_id = ?",
            arguments: [session, participant, item]
        ) == sequence
    }

    static func summary(_ db: Database, id: String) throws -> SessionSummary {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM exam_session WHERE id = ?", arguments: [id]) else { throw ExamNodeError.unknownSession }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate WHERE session_id = ?", arguments: [id]) ?? 0
        return SessionSummary(
            id: id,
            venue: row["venue"],
            ruleSet: row["rule_set_id"],
            scheduledStart: row["scheduled_start"],
            pin: row["pin"],
            state: row["state"],
            paused: try openPause(db, session: id) != nil,
            candidates: count
        )
    }

    /// A stored paper. One that cannot be read is the node's fault, never the client's:
    /// it is reported as a server error (500), not as a malformed request.
    static func decodePaper(_ row: Row) throws -> Paper {
        do {
            return try JSONDecoder().decode(Paper.self, from: Data((row["paper"] as String).utf8))
        } catch {
            throw StoredPaperUnreadable(reason: "\(error)")
        }
    }

    static func audit(
        _ db: Database,
        _ now: Int64,
        actor: String,
        _ action: String,
        session: String? = nil,
        participant: String? = nil,
        details: String = ""
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at_ms, actor, action, session_id, participant_number, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [now, actor, action, session, participant, details]
        )
    }

    func transition(
        _ id: String,
        actor: String,
        action: String,
        participant: String? = nil,
        details: String = "",
        _ body: @escaping @Sendable (Database, String, Int64) throws -> Void
    ) async throws {
        let now = clock.nowMilliseconds()
        try await writer.write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM exam_session WHERE id = ?", arguments: [id]) else {
                throw ExamNodeError.unknownSession
            }
            try body(db, state, now)
            try Self.audit(db, now, actor: actor, action, session: id, participant: participant, details: details)
        }
    }

    static func seed(session: String, participant: String) -> UInt64 {
        let digest = SHA256.hash(data: Data("\(session)/\(participant)".utf8))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

}
