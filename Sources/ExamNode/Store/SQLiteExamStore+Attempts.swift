import Foundation
import GRDB
import SeleksiCore

/// Rosters, candidates' logins and tokens, attempts and their answers.
extension SQLiteExamTransaction {
    // MARK: - Reads

    func candidateCount(session: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate WHERE session_id = ?", arguments: [session]) ?? 0
    }

    func candidates(session: String) throws -> [StoredCandidate] {
        // Every column but the paper, the one large value: the proctor's page asks often.
        try StoredCandidate.fetchAll(
            db,
            sql: """
                SELECT session_id, participant_number, name, formation_type, allowed_ms, extension_ms, started_at, finished_at, finish_reason,
                       finish_problem, score, device
                FROM candidate WHERE session_id = ? ORDER BY participant_number
                """,
            arguments: [session]
        )
    }

    func attempt(tokenHash: String) throws -> StoredAttempt? {
        try StoredAttempt.fetchOne(
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
    }

    func logins(participant: String) throws -> [StoredLogin] {
        try StoredLogin.fetchAll(
            db,
            sql: """
                SELECT c.session_id, c.name, c.access_code_digest, c.failed_logins, c.locked_until, c.finished_at, c.device, s.pin, s.state,
                    s.roster_loading IS NOT NULL AS loading
                FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE c.participant_number = ? AND s.state != 'closed' ORDER BY s.scheduled_start
                """,
            arguments: [participant]
        )
    }

    func attemptCanContinue(session: String, participant: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE c.session_id = ? AND c.participant_number = ? AND s.state != 'closed' AND c.finished_at IS NULL)
                """,
            arguments: [session, participant]
        ) ?? false
    }

    func sessions(ofParticipant participant: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT session_id FROM candidate WHERE participant_number = ?", arguments: [participant])
    }

    func scoringBasis(session: String, participant: String) throws -> (ruleSetID: String, formationType: String)? {
        try Row.fetchOne(
            db,
            sql:
                "SELECT c.formation_type, s.rule_set_id FROM candidate c JOIN exam_session s ON s.id = c.session_id WHERE c.session_id = ? AND c.participant_number = ?",
            arguments: [session, participant]
        ).map { row in (ruleSetID: row["rule_set_id"] as String, formationType: row["formation_type"] as String) }
    }

    func paper(session: String, participant: String) throws -> String? {
        try String.fetchOne(
            db,
            sql: "SELECT paper FROM candidate_paper WHERE session_id = ? AND participant_number = ?",
            arguments: [session, participant]
        )
    }

    func extensionGiven(session: String, participant: String) throws -> (finished: Bool, added: Int64)? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT c.finished_at, c.extension_ms + s.extension_ms AS added FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE c.session_id = ? AND c.participant_number = ?
                """,
            arguments: [session, participant]
        ).map { row in (finished: (row["finished_at"] as Int64?) != nil, added: row["added"] as Int64) }
    }

    func unfinishedParticipants(session: String, started: Bool) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT participant_number FROM candidate WHERE session_id = ? AND finished_at IS NULL AND started_at IS \(started ? "NOT NULL" : "NULL")",
            arguments: [session]
        )
    }

    func attemptsLeftRunningInClosedSessions(only: (session: String, participant: String)?) throws -> [(session: String, participant: String)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.session_id, c.participant_number FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE s.state = 'closed' AND c.started_at IS NOT NULL AND c.finished_at IS NULL
                """ + (only == nil ? "" : " AND c.session_id = ? AND c.participant_number = ?"),
            arguments: StatementArguments(only.map { [$0.session, $0.participant] } ?? [])
        ).map { row in (session: row["session_id"] as String, participant: row["participant_number"] as String) }
    }

    func runningAttempts(session: String, endingBefore deadline: Int64, participant: String?) throws -> [StoredAttempt] {
        try StoredAttempt.fetchAll(
            db,
            sql: """
                SELECT session_id, participant_number, name, formation_type, allowed_ms, extension_ms, started_at, finished_at, score FROM candidate
                WHERE session_id = ? AND started_at IS NOT NULL AND finished_at IS NULL
                  AND started_at + allowed_ms + extension_ms < ?
                """ + (participant == nil ? "" : " AND participant_number = ?"),
            arguments: StatementArguments([session, deadline] as [any DatabaseValueConvertible] + (participant.map { [$0] } ?? []))
        )
    }

    func runningAttemptCount() throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM candidate c JOIN exam_session s ON s.id = c.session_id
                WHERE s.state = 'open' AND c.started_at IS NOT NULL AND c.finished_at IS NULL
                """
        ) ?? 0
    }

    func loggedAnswers(session: String, participant: String) throws -> [LoggedAnswer] {
        try LoggedAnswer.fetchAll(
            db,
            sql:
                "SELECT item_id, kind, option_id, client_seq FROM answer_log WHERE session_id = ? AND participant_number = ? AND kind IN ('answer', 'clear') ORDER BY client_seq",
            arguments: [session, participant]
        )
    }

    func loggedChange(session: String, participant: String, sequence: Int64) throws -> LoggedAnswer? {
        try LoggedAnswer.fetchOne(
            db.cachedStatement(
                sql: "SELECT item_id, kind, option_id, client_seq FROM answer_log WHERE session_id = ? AND participant_number = ? AND client_seq = ?"
            ),
            arguments: [session, participant, sequence]
        )
    }

    func currentSequence(session: String, participant: String, item: String, of kind: AnswerKind) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT \(kind.isAnswer ? "answer_seq" : "doubt_seq") FROM current_answer WHERE session_id = ? AND participant_number = ? AND item_id = ?",
            arguments: [session, participant, item]
        )
    }

    func currentAnswers(session: String, participant: String) throws -> [GridEntry] {
        try Row.fetchAll(
            db,
            sql: "SELECT item_id, option_id, doubtful FROM current_answer WHERE session_id = ? AND participant_number = ? ORDER BY item_id",
            arguments: [session, participant]
        ).map { GridEntry(item: $0["item_id"], option: $0["option_id"], doubtful: $0["doubtful"]) }
    }

    func answeredCount(session: String, participant: String) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM current_answer WHERE session_id = ? AND participant_number = ? AND option_id IS NOT NULL",
            arguments: [session, participant]
        ) ?? 0
    }

    func lastSequence(session: String, participant: String) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: "SELECT MAX(client_seq) FROM answer_log WHERE session_id = ? AND participant_number = ?",
            arguments: [session, participant]
        ) ?? 0
    }

    // MARK: - Writes

    func insertCandidate(session: String, _ entry: RosterEntry, allowedMilliseconds: Int64, paper: String, fingerprint: String) throws {
        try db.execute(
            sql: """
                INSERT INTO candidate (session_id, participant_number, name, formation_type, access_code_digest, accommodations, allowed_ms, fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                session, entry.participantNumber, entry.name, entry.formationType.rawValue, entry.accessCodeDigest,
                entry.accommodations.joined(separator: ";"), allowedMilliseconds, fingerprint,
            ]
        )
        try db.execute(
            sql: "INSERT INTO candidate_paper (session_id, participant_number, paper) VALUES (?, ?, ?)",
            arguments: [session, entry.participantNumber, paper]
        )
    }

    func deleteCandidates(session: String) throws {
        for table in ["candidate_token", "candidate_paper", "current_answer", "candidate"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE session_id = ?", arguments: [session])
        }
    }

    func rosterVersion(session: String) throws -> LoadedRoster? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT roster_version, roster_digest, roster_period, roster_created_at FROM exam_session WHERE id = ?",
                arguments: [session]
            ),
            let version = row["roster_version"] as Int?, let digest = row["roster_digest"] as String?
        else { return nil }
        return LoadedRoster(version: version, digest: digest, periodID: row["roster_period"], createdAt: row["roster_created_at"])
    }

    func newestRoster() throws -> (periodID: String, createdAt: Int64)? {
        let sql = """
            SELECT roster_period, roster_created_at FROM exam_session
            WHERE roster_created_at IS NOT NULL AND roster_period IS NOT NULL ORDER BY roster_created_at DESC LIMIT 1
            """
        guard let row = try Row.fetchOne(db, sql: sql), let period = row[0] as String?, let at = row[1] as Int64? else { return nil }
        return (period, at)
    }

    func extendCandidate(session: String, participant: String, byMilliseconds added: Int64) throws {
        try db.execute(
            sql: "UPDATE candidate SET extension_ms = extension_ms + ? WHERE session_id = ? AND participant_number = ?",
            arguments: [added, session, participant]
        )
    }

    func recordFailedLogin(session: String, participant: String, failedLogins: Int, lockedUntil: Int64?) throws {
        try db.execute(
            sql: "UPDATE candidate SET failed_logins = ?, locked_until = ? WHERE session_id = ? AND participant_number = ?",
            arguments: [failedLogins, lockedUntil, session, participant]
        )
    }

    func bindDevice(session: String, participant: String, device: String) throws {
        try db.execute(
            sql: "UPDATE candidate SET device = ?, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
            arguments: [device, session, participant]
        )
    }

    func releaseDevice(session: String, participant: String) throws -> Bool {
        try db.execute(
            sql: "UPDATE candidate SET device = NULL, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
            arguments: [session, participant]
        )
        return db.changesCount == 1
    }

    func insertCandidateToken(hash: String, session: String, participant: String, device: String, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO candidate_token (token_hash, session_id, participant_number, device, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [hash, session, participant, device, now]
        )
    }

    func endCandidateTokens(session: String, participant: String) throws {
        try db.execute(sql: "DELETE FROM candidate_token WHERE session_id = ? AND participant_number = ?", arguments: [session, participant])
    }

    func startAttempt(session: String, participant: String, at now: Int64, allowedMilliseconds: Int64) throws {
        try db.execute(
            sql: "UPDATE candidate SET started_at = ?, allowed_ms = ? WHERE session_id = ? AND participant_number = ?",
            arguments: [now, allowedMilliseconds, session, participant]
        )
    }

    func finishAttempt(session: String, participant: String, at now: Int64, reason: String, score: ScoreSheet) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "UPDATE candidate SET finished_at = ?, finish_reason = ?, score = ?, finish_problem = NULL WHERE session_id = ? AND participant_number = ?",
            arguments: [now, reason, String(decoding: try encoder.encode(score), as: UTF8.self), session, participant]
        )
    }

    func markAbsent(session: String, participant: String, at now: Int64) throws {
        try db.execute(
            sql: "UPDATE candidate SET finished_at = ?, finish_reason = 'absent' WHERE session_id = ? AND participant_number = ?",
            arguments: [now, session, participant]
        )
    }

    func recordFinishProblem(session: String, participant: String, problem: String) throws -> Bool {
        try db.execute(
            sql: "UPDATE candidate SET finish_problem = ? WHERE session_id = ? AND participant_number = ? AND finish_problem IS NOT ?",
            arguments: [problem, session, participant, problem]
        )
        return db.changesCount > 0
    }

    func appendAnswerLog(session: String, participant: String, change: LoggedAnswer, at now: Int64) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO answer_log (session_id, participant_number, item_id, kind, option_id, client_seq, server_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id, participant_number, client_seq) DO NOTHING
                """
        ).execute(arguments: [session, participant, change.item, change.kind.rawValue, change.option, change.sequence, now])
        return db.changesCount > 0
    }

    func applyCurrent(session: String, participant: String, change: LoggedAnswer) throws -> Bool {
        if change.kind.isAnswer {
            try db.cachedStatement(
                sql: """
                    INSERT INTO current_answer (session_id, participant_number, item_id, option_id, answer_seq) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET option_id = excluded.option_id, answer_seq = excluded.answer_seq
                    WHERE current_answer.answer_seq < excluded.answer_seq
                    """
            ).execute(arguments: [session, participant, change.item, change.option, change.sequence])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO current_answer (session_id, participant_number, item_id, doubtful, doubt_seq) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET doubtful = excluded.doubtful, doubt_seq = excluded.doubt_seq
                    WHERE current_answer.doubt_seq < excluded.doubt_seq
                    """
            ).execute(arguments: [session, participant, change.item, change.kind == .doubt, change.sequence])
        }
        return db.changesCount == 1
    }
}

// MARK: - Rows

extension StoredAttempt: FetchableRecord {
    init(row: Row) throws {
        try self.init(
            session: row["session_id"],
            participant: row["participant_number"],
            name: row["name"],
            formationType: row["formation_type"],
            allowedMilliseconds: row["allowed_ms"],
            extensionMilliseconds: row["extension_ms"],
            startedAt: row["started_at"],
            finishedAt: row["finished_at"],
            score: ScoreSheet.stored(row["score"], session: row["session_id"], participant: row["participant_number"])
        )
    }
}

extension StoredCandidate: FetchableRecord {
    init(row: Row) throws {
        self.init(attempt: try StoredAttempt(row: row), finishReason: row["finish_reason"], finishProblem: row["finish_problem"], device: row["device"])
    }
}

extension StoredLogin: FetchableRecord {
    init(row: Row) {
        self.init(
            session: row["session_id"],
            name: row["name"],
            accessCodeDigest: row["access_code_digest"],
            pin: row["pin"],
            failedLogins: row["failed_logins"],
            lockedUntil: row["locked_until"],
            finishedAt: row["finished_at"],
            device: row["device"],
            rosterLoading: row["loading"]
        )
    }
}

extension LoggedAnswer: FetchableRecord {
    struct UnknownKind: Error, CustomStringConvertible {
        let kind: String
        var description: String { "answer_log kind \(kind) unknown" }
    }

    init(row: Row) throws {
        let kind: String = row["kind"]
        guard let known = AnswerKind(rawValue: kind) else { throw UnknownKind(kind: kind) }
        self.init(item: row["item_id"], kind: known, option: row["option_id"], sequence: row["client_seq"])
    }
}
