import Crypto
import ExamEngine
import Foundation
import GRDB
import SeleksiAuth
public import SeleksiCore
import SeleksiStorage
import Synchronization

/// A candidate's attempt: login on one device, the paper (whose first fetch starts the
/// clock), answers and doubtful marks in order, the state the page polls, and finishing.
extension ExamService {
    public func login(participant: String, pin: String, birthDate: String, device: String, address: String) async throws -> CandidateLogin {
        let device = device.trimmingCharacters(in: .whitespaces)
        guard !device.isEmpty, device.count <= 128 else { throw ExamNodeError.invalid("Pengenal perangkat wajib dikirim.") }
        let now = clock.nowMilliseconds()
        if let wait = await addressFailures.begin(address, now: now, limit: settings.loginFailuresPerAddress, window: settings.lockoutMilliseconds) {
            throw ExamNodeError.lockedOut(seconds: (wait + 999) / 1000)
        }
        let token = SecretToken.generate().text
        let outcome: Result<CandidateLogin, ExamNodeError>
        do { outcome = try await attemptLogin(participant: participant, pin: pin, birthDate: birthDate, device: device, token: token, now: now) } catch {
            addressFailures.end(address, wrongGuess: false, at: now)
            throw error
        }
        // Only wrong guesses stay counted against the address.
        var guessed = false
        if case .failure(let refusal) = outcome {
            guessed = [ExamNodeError.wrongCredentials.code, ExamNodeError.lockedOut(seconds: 0).code].contains(refusal.code)
        }
        addressFailures.end(address, wrongGuess: guessed, at: now)
        let login = try outcome.get()
        // The first paper fetch then finds its candidate in memory.
        tokenOwners.set(CandidateCredential(token: token, device: device).digest, session: login.sessionID, participant: login.participantNumber)
        return login
    }

    /// Checks a login and records its outcome (a wrong guess is committed before the refusal).
    private func attemptLogin(
        participant: String,
        pin: String,
        birthDate: String,
        device: String,
        token: String,
        now: Int64
    ) async throws -> Result<CandidateLogin, ExamNodeError> {
        let settings = self.settings
        return try await database.grouped.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.session_id, c.name, c.birth_date, c.failed_logins, c.locked_until, c.finished_at, c.device, s.pin, s.state
                    FROM candidate c JOIN exam_session s ON s.id = c.session_id
                    WHERE c.participant_number = ? AND s.state != 'closed' ORDER BY s.scheduled_start
                    """,
                arguments: [participant]
            )
            guard let row = rows.first(where: { ($0["pin"] as String) == pin }) ?? rows.first else {
                return .failure(.wrongCredentials)
            }
            let session: String = row["session_id"]
            if let locked = row["locked_until"] as Int64?, locked > now { return .failure(.lockedOut(seconds: (locked - now) / 1000)) }
            guard (row["pin"] as String) == pin, (row["birth_date"] as String) == birthDate else {
                let failures = (row["failed_logins"] as Int) + 1
                let lock: Int64? = failures >= settings.maxFailedLogins ? now + settings.lockoutMilliseconds : nil
                try db.execute(
                    sql: "UPDATE candidate SET failed_logins = ?, locked_until = ? WHERE session_id = ? AND participant_number = ?",
                    arguments: [lock == nil ? failures : 0, lock, session, participant]
                )
                try Self.audit(db, now, actor: participant, "candidate-login-failed", session: session, participant: participant)
                return .failure(lock == nil ? .wrongCredentials : .lockedOut(seconds: settings.lockoutMilliseconds / 1000))
            }
            if (row["finished_at"] as Int64?) != nil { return .failure(.alreadyFinished) }
            if let bound = row["device"] as String?, bound != device { return .failure(.otherDevice) }
            try db.execute(
                sql: "UPDATE candidate SET device = ?, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
                arguments: [device, session, participant]
            )
            // A second login from the same device (the page reloaded, the browser restarted)
            // replaces the first token: one live token per candidate.
            try db.execute(sql: "DELETE FROM candidate_token WHERE session_id = ? AND participant_number = ?", arguments: [session, participant])
            try db.execute(
                sql: "INSERT INTO candidate_token (token_hash, session_id, participant_number, device, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [CandidateCredential(token: token, device: device).digest, session, participant, device, now]
            )
            try Self.audit(db, now, actor: participant, "candidate-login", session: session, participant: participant)
            return .success(CandidateLogin(token: token, sessionID: session, participantNumber: participant, name: row["name"]))
        }
    }

    /// The candidate's paper; the first fetch in an open session starts their clock.
    public func paper(_ credential: CandidateCredential) async throws -> CandidatePaper {
        try JSONDecoder().decode(CandidatePaper.self, from: Data(try await paperJSON(credential)))
    }

    /// The candidate's paper as the JSON their browser receives; the first fetch in an
    /// open session starts their clock. Only that start is written; the paper is read
    /// and rendered outside the writer, so a full room fetching at once uses every core.
    public func paperJSON(_ credential: CandidateCredential) async throws -> [UInt8] {
        let now = clock.nowMilliseconds()
        let tokenHash = credential.digest
        // The paper first, from memory or a reader: a clock never starts on a paper the
        // node cannot show.
        let owner: (session: String, participant: String)
        if let known = tokenOwners.get(tokenHash) {
            owner = known
        } else {
            owner = try await writer.read { db in
                let (row, _) = try Self.candidate(db, tokenHash: tokenHash)
                return (row["session_id"], row["participant_number"])
            }
        }
        let paper: Paper
        if let kept = papers.get(session: owner.session, participant: owner.participant) {
            paper = kept
        } else {
            paper = try Self.decodePaper(try await writer.read { db in try Self.paperRow(db, session: owner.session, participant: owner.participant) })
            papers.set(session: owner.session, participant: owner.participant, paper)
        }
        let lateStart = settings.lateStart
        let (session, number, name, ruleSet) = try await database.grouped.write { db -> (String, String, String, String) in
            let (row, session) = try Self.candidate(db, tokenHash: tokenHash)
            guard (row["session_id"] as String) == owner.session, (row["participant_number"] as String) == owner.participant else {
                throw ExamNodeError.badToken
            }
            let state: String = session["state"]
            if state == "closed" { throw ExamNodeError.sessionClosed }
            guard state == "open" else { throw ExamNodeError.sessionNotOpen }
            if (row["started_at"] as Int64?) == nil {
                let openedAt: Int64 = session["opened_at"] ?? now
                let allowed = try lateStart.start(
                    openedAt: openedAt,
                    allowed: row["allowed_ms"],
                    stopped: try Self.stoppedIntervals(db, session: owner.session),
                    now: now
                ).get()
                try db.execute(
                    sql: "UPDATE candidate SET started_at = ?, allowed_ms = ? WHERE session_id = ? AND participant_number = ?",
                    arguments: [now, allowed, row["session_id"], row["participant_number"]]
                )
                let late = (row["allowed_ms"] as Int64) - allowed
                try Self.audit(
                    db,
                    now,
                    actor: row["participant_number"],
                    "attempt-start",
                    session: row["session_id"],
                    participant: row["participant_number"],
                    details: late > 0 ? "terlambat \(late / 1000) detik; waktu berkurang sebanyak itu" : ""
                )
            }
            return (row["session_id"], row["participant_number"], row["name"], session["rule_set_id"])
        }
        if paperItems.get(session: session, participant: number) == nil {
            paperItems.set(session: session, participant: number, Set(paper.items.map(\.itemID)))
        }
        tokenOwners.set(tokenHash, session: session, participant: number)
        return try catalog.entry(ruleSet).renderer.render(participantNumber: number, name: name, ruleSet: ruleSet, paper: paper)
    }

    /// Saves an answer (or clears it with `option == nil`). Idempotent on retry: the
    /// same sequence number with the same content is acknowledged again; a write older
    /// than the item's saved answer is logged but never overwrites it.
    public func save(_ credential: CandidateCredential, item: String, option: String?, sequence: Int64) async throws -> SaveReceipt {
        try await record(credential, item: item, sequence: sequence, kind: option == nil ? "clear" : "answer", option: option)
    }

    /// Marks an item doubtful (ragu-ragu), or unmarks it.
    public func mark(_ credential: CandidateCredential, item: String, doubtful: Bool, sequence: Int64) async throws -> SaveReceipt {
        try await record(credential, item: item, sequence: sequence, kind: doubtful ? "doubt" : "undoubt", option: nil)
    }

    private func record(_ credential: CandidateCredential, item itemID: String, sequence: Int64, kind: String, option: String?) async throws -> SaveReceipt {
        guard sequence > 0, sequence < Int64(1) << 53 else { throw ExamNodeError.badSequence }
        let tokenHash = credential.digest
        // Only the checks that need the transaction run in the (single) writer: the paper's
        // item ids are found before, from memory or a reader connection.
        let (owner, items) = try await paperItems(tokenHash: tokenHash)
        let now = clock.nowMilliseconds()
        let grace = settings.graceMilliseconds
        let catalog = self.catalog
        let clocks = database.sessionClocks
        return try await database.grouped.write { db in
            let row = try Self.candidateRow(db, tokenHash: tokenHash)
            let sessionID: String = row["session_id"]
            let number: String = row["participant_number"]
            guard sessionID == owner.session, number == owner.participant else { throw ExamNodeError.badToken }
            if (row["finished_at"] as Int64?) != nil { throw ExamNodeError.alreadyFinished }
            let (session, stopped) = try clocks.value(sessionID) {
                guard let session = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM exam_session WHERE id = ?"), arguments: [sessionID]) else {
                    throw ExamNodeError.badToken
                }
                return (session, try Self.stoppedIntervals(db, session: sessionID))
            }
            let state: String = session["state"]
            guard state == "open" else { throw state == "closed" ? ExamNodeError.sessionClosed : ExamNodeError.sessionNotOpen }
            guard let timing = Self.timing(row, session: session, stopped: stopped) else { throw ExamNodeError.sessionNotOpen }
            if timing.isStopped(at: now) { throw ExamNodeError.sessionPaused }
            if timing.isOver(at: now, grace: grace) { throw ExamNodeError.timeUp }
            guard items.contains(itemID) else { throw ExamNodeError.itemNotInPaper }
            if let option {
                let item = try catalog.entry(session["rule_set_id"]).bank.item(itemID)
                guard item?.optionIndex(of: option) != nil else { throw ExamNodeError.optionOutOfRange }
            }
            let receipt = { (applied: Bool) in
                SaveReceipt(saved: true, item: itemID, sequence: sequence, applied: applied, serverTime: now, secondsLeft: timing.remaining(at: now) / 1000)
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO answer_log (session_id, participant_number, item_id, kind, option_id, client_seq, server_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (session_id, participant_number, client_seq) DO NOTHING
                    """
            ).execute(arguments: [sessionID, number, itemID, kind, option, sequence, now])
            if db.changesCount == 0 {
                // A retry of a write already logged: acknowledge it again, change nothing.
                let earlier = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT item_id, kind, option_id FROM answer_log WHERE session_id = ? AND participant_number = ? AND client_seq = ?"
                    ),
                    arguments: [sessionID, number, sequence]
                )
                guard let earlier, (earlier["item_id"] as String) == itemID, (earlier["kind"] as String) == kind, (earlier["option_id"] as String?) == option
                else {
                    throw ExamNodeError("sequence-reused", kind: .conflict, "Nomor urut \(sequence) sudah dipakai untuk jawaban lain.")
                }
                return receipt(try Self.isCurrent(db, session: sessionID, participant: number, item: itemID, sequence: sequence, kind: kind))
            }
            // The item's current state, unless a newer write (a higher sequence) is already there.
            if kind == "answer" || kind == "clear" {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO current_answer (session_id, participant_number, item_id, option_id, answer_seq) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT DO UPDATE SET option_id = excluded.option_id, answer_seq = excluded.answer_seq
                        WHERE current_answer.answer_seq < excluded.answer_seq
                        """
                ).execute(arguments: [sessionID, number, itemID, option, sequence])
            } else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO current_answer (session_id, participant_number, item_id, doubtful, doubt_seq) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT DO UPDATE SET doubtful = excluded.doubtful, doubt_seq = excluded.doubt_seq
                        WHERE current_answer.doubt_seq < excluded.doubt_seq
                        """
                ).execute(arguments: [sessionID, number, itemID, kind == "doubt", sequence])
            }
            return receipt(db.changesCount == 1)
        }
    }

    /// The candidate a token belongs to and their paper's item ids: from memory, or read
    /// (and decoded) on a reader connection the first time after a start or restart.
    /// Throws `badToken` for a token that is not (or no longer) valid.
    func paperItems(tokenHash: String) async throws -> ((session: String, participant: String), Set<String>) {
        if let owner = tokenOwners.get(tokenHash), let items = paperItems.get(session: owner.session, participant: owner.participant) {
            return (owner, items)
        }
        let (session, participant, items) = try await writer.read { db -> (String, String, Set<String>) in
            let (row, _) = try Self.candidate(db, tokenHash: tokenHash)
            let session: String = row["session_id"]
            let participant: String = row["participant_number"]
            let items = Set(try Self.decodePaper(try Self.paperRow(db, session: session, participant: participant)).items.map(\.itemID))
            return (session, participant, items)
        }
        tokenOwners.set(tokenHash, session: session, participant: participant)
        paperItems.set(session: session, participant: participant, items)
        return ((session, participant), items)
    }

    public func state(_ credential: CandidateCredential) async throws -> CandidateState {
        let now = clock.nowMilliseconds()
        return try await writer.read { db in
            let (row, session) = try Self.candidate(db, tokenHash: credential.digest)
            let sessionID: String = row["session_id"]
            let number: String = row["participant_number"]
            let stopped = try Self.stoppedIntervals(db, session: sessionID)
            let timing = Self.timing(row, session: session, stopped: stopped)
            let finished = (row["finished_at"] as Int64?) != nil
            let grid = try Row.fetchAll(
                db,
                sql: "SELECT item_id, option_id, doubtful FROM current_answer WHERE session_id = ? AND participant_number = ? ORDER BY item_id",
                arguments: [sessionID, number]
            ).map { GridEntry(item: $0["item_id"], option: $0["option_id"], doubtful: $0["doubtful"]) }
            let last =
                try Int64.fetchOne(
                    db,
                    sql: "SELECT MAX(client_seq) FROM answer_log WHERE session_id = ? AND participant_number = ?",
                    arguments: [sessionID, number]
                ) ?? 0
            let score = (row["score"] as String?).flatMap { try? JSONDecoder().decode(ScoreSheet.self, from: Data($0.utf8)) }.map(ScoreView.init)
            let allowed: Int64 = row["allowed_ms"]
            return CandidateState(
                serverTime: now,
                secondsLeft: finished ? 0 : (timing.map { $0.remaining(at: now) } ?? allowed) / 1000,
                paused: timing?.isStopped(at: now) ?? false,
                started: timing != nil,
                finished: finished,
                lastSequence: last,
                grid: grid,
                score: score
            )
        }
    }

    /// The candidate ends their exam; the score is computed from the answer log.
    public func finish(_ credential: CandidateCredential) async throws -> ScoreSheet {
        let now = clock.nowMilliseconds()
        let service = self
        return try await writer.write { db in
            let (row, session) = try Self.candidate(db, tokenHash: credential.digest)
            if (row["finished_at"] as Int64?) != nil { throw ExamNodeError.alreadyFinished }
            guard (row["started_at"] as Int64?) != nil, (session["state"] as String) == "open" else { throw ExamNodeError.sessionNotOpen }
            return try service.finish(db, session: row["session_id"], participant: row["participant_number"], reason: "candidate", now: now)
        }
    }
}
