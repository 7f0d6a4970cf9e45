import Crypto
import ExamEngine
import Foundation
import SeleksiAuth
import SeleksiCore
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
    func finishIsolated(_ tx: any ExamStoreTransaction, session: String, participant: String, reason: String, now: Int64) throws -> IsolatedFinish {
        do {
            _ = try tx.inSavepoint { try finish(tx, session: session, participant: participant, reason: reason, now: now) }
            return .finished
        } catch {
            let problem = "\(error)"
            let new = try tx.recordFinishProblem(session: session, participant: participant, problem: problem)
            if new { try Self.audit(tx, now, actor: "sistem", "attempt-finish-failed", session: session, participant: participant, details: problem) }
            return .failed(problem, new: new)
        }
    }

    /// Scores from the answer log (the latest write per item wins) and finishes the attempt.
    @discardableResult
    func finish(_ tx: any ExamStoreTransaction, session: String, participant: String, reason: String, now: Int64) throws -> ScoreSheet {
        guard let basis = try tx.scoringBasis(session: session, participant: participant) else { throw ExamNodeError.unknownCandidate }
        let entry = try catalog.entry(basis.ruleSetID)
        var answers: [String: String] = [:]
        var seen: [String: Int64] = [:]
        for log in try tx.loggedAnswers(session: session, participant: participant) {
            guard log.sequence > seen[log.item, default: 0] else { continue }
            seen[log.item] = log.sequence
            answers[log.item] = log.option
        }
        let formation = FormationType(rawValue: basis.formationType) ?? .general
        // The paper from memory: when a room's time runs out, the sweeper finishes every
        // attempt in the writer, and decoding each paper there would hold every save.
        let paper =
            try papers.get(session: session, participant: participant) ?? Self.decodePaper(Self.storedPaper(tx, session: session, participant: participant))
        let sheet = try entry.scorer.score(paper, answers: answers, formationType: formation)
        try tx.finishAttempt(session: session, participant: participant, at: now, reason: reason, score: sheet)
        try Self.audit(
            tx,
            now,
            actor: reason == "candidate" ? participant : "sistem",
            "attempt-finish",
            session: session,
            participant: participant,
            details: "\(reason); total \(sheet.total)"
        )
        return sheet
    }

    /// The attempt a valid token belongs to (on the device it was issued to), and its session.
    static func candidate(_ tx: any ExamStoreReading, tokenHash: String) throws -> (StoredAttempt, StoredSession) {
        let attempt = try candidateAttempt(tx, tokenHash: tokenHash)
        guard let session = try tx.session(attempt.session) else { throw ExamNodeError.badToken }
        return (attempt, session)
    }

    /// The attempt a valid token belongs to (on the device it was issued to).
    static func candidateAttempt(_ tx: any ExamStoreReading, tokenHash: String) throws -> StoredAttempt {
        guard let attempt = try tx.attempt(tokenHash: tokenHash) else { throw ExamNodeError.badToken }
        return attempt
    }

    /// A candidate's paper as stored, read only when needed: the one large value of a
    /// candidate, it is kept apart.
    static func storedPaper(_ tx: any ExamStoreReading, session: String, participant: String) throws -> String {
        guard let paper = try tx.paper(session: session, participant: participant) else { throw ExamNodeError.unknownCandidate }
        return paper
    }

    static func timing(_ attempt: StoredAttempt, session: StoredSession, stopped: [StoppedInterval]) -> AttemptTiming? {
        guard let started = attempt.startedAt else { return nil }
        let allowed = attempt.allowedMilliseconds + attempt.extensionMilliseconds + session.extensionMilliseconds
        return AttemptTiming(startedAt: started, allowedMilliseconds: allowed, stopped: stopped)
    }

    static func summary(_ tx: any ExamStoreReading, id: String) throws -> SessionSummary {
        guard let session = try tx.session(id) else { throw ExamNodeError.unknownSession }
        let count = try tx.candidateCount(session: id)
        return SessionSummary(
            id: id,
            venue: session.venue,
            ruleSet: session.ruleSetID,
            scheduledStart: session.scheduledStart,
            pin: session.pin,
            state: session.state,
            paused: try tx.openPause(session: id) != nil,
            candidates: count
        )
    }

    /// A stored paper. One that cannot be read is the node's fault, never the client's:
    /// it is reported as a server error (500), not as a malformed request.
    static func decodePaper(_ json: String) throws -> Paper {
        do {
            return try JSONDecoder().decode(Paper.self, from: Data(json.utf8))
        } catch {
            throw StoredPaperUnreadable(reason: "\(error)")
        }
    }

    static func audit(
        _ tx: any ExamStoreTransaction,
        _ now: Int64,
        actor: String,
        _ action: String,
        session: String? = nil,
        participant: String? = nil,
        details: String = ""
    ) throws {
        try tx.appendAudit(AuditEntry(at: now, actor: actor, action: action, sessionID: session, participantNumber: participant, details: details))
    }

    func transition(
        _ id: String,
        actor: String,
        action: String,
        participant: String? = nil,
        details: String = "",
        _ body: @escaping @Sendable (any ExamStoreTransaction, String, Int64) throws -> Void
    ) async throws {
        let now = clock.nowMilliseconds()
        try await store.write { tx in
            guard let state = try tx.sessionState(id) else { throw ExamNodeError.unknownSession }
            guard state != "loading" else { throw ExamNodeError.rosterLoading }
            try body(tx, state, now)
            try Self.audit(tx, now, actor: actor, action, session: id, participant: participant, details: details)
        }
        pulses.bump(session: id)
    }

    static func seed(session: String, participant: String) -> UInt64 {
        let digest = SHA256.hash(data: Data("\(session)/\(participant)".utf8))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

}
