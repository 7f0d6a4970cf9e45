import Foundation
import Logging
import SeleksiCore
import ServiceLifecycle

/// The exam node's store, in the domain's terms: sessions and their pauses, rosters,
/// attempts and their answers, proctor accounts, the audit log. The operations in
/// `Session/` run their rules between these calls, inside one transaction each; only
/// the store knows how (and in what) the data is kept. `SQLiteExamStore` is the store.
protocol ExamStore: Sendable {
    /// What keeps the store healthy while the node runs (the SQLite store's checkpointer).
    func maintenance(logger: Logger) -> [any Service]

    /// Runs `body` on a consistent snapshot, off the writer.
    func read<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreReading) throws -> T) async throws -> T

    /// Runs `body` as one transaction of its own: all of it is committed (to disk) before
    /// this returns, or, if it throws, none of it.
    func write<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreTransaction) throws -> T) async throws -> T

    /// Runs `body` as part of a transaction shared with the writes that arrive at the same
    /// time (a room saving at once shares one commit), still all or nothing on its own and
    /// committed before this returns. The candidates' hot path (login, start, answers) and
    /// the sweeper write this way.
    func groupWrite<T: Sendable>(_ body: @escaping @Sendable (any ExamStoreTransaction) throws -> T) async throws -> T
}

/// What a transaction may read. Every call is synchronous, inside the transaction.
protocol ExamStoreReading {
    // MARK: - Sessions

    func session(_ id: String) throws -> StoredSession?
    /// `created`, `loading` (its roster is being loaded), `open` or `closed`; nil for an unknown session.
    func sessionState(_ id: String) throws -> String?
    /// Every session, or those `proctor` may reach (assigned to them, or at the venue they
    /// are set to), in timetable order.
    func sessionIDs(visibleTo proctor: String?) throws -> [String]
    func isSession(_ id: String, visibleTo proctor: String) throws -> Bool
    /// The open sessions (only `id`, when given).
    func openSessions(only id: String?) throws -> [StoredSession]
    /// The id of the session's pause still running, if any.
    func openPause(session: String) throws -> Int64?
    /// The session's pauses and every node downtime: the intervals its clocks stop in.
    func stoppedIntervals(session: String) throws -> [StoppedInterval]
    /// The session's own extension plus the largest extension of one of its candidates.
    func largestExtension(session: String) throws -> Int64
    /// When the node last recorded that it was alive.
    func lastHeartbeat() throws -> Int64?

    // MARK: - Rosters and attempts

    func candidateCount(session: String) throws -> Int
    /// The roster package (version, period, when the portal made it) and digest behind a
    /// session's roster; nil for a session whose roster was loaded by hand.
    func rosterVersion(session: String) throws -> LoadedRoster?
    /// The newest roster package loaded into any session: its period and when it was made.
    func newestRoster() throws -> (periodID: String, createdAt: Int64)?
    /// The package version whose roster is being loaded into the session; nil once loaded.
    func rosterLoading(session: String) throws -> Int?
    /// The roster as the proctor's list shows it, by participant number.
    func candidates(session: String) throws -> [StoredCandidate]
    /// The attempt a token belongs to, if the token is live on the device it was issued to.
    func attempt(tokenHash: String) throws -> StoredAttempt?
    /// A participant's rows in every session not yet closed, earliest first.
    func logins(participant: String) throws -> [StoredLogin]
    /// Whether the participant may still work in the session: it is not closed and their attempt has not ended.
    func attemptCanContinue(session: String, participant: String) throws -> Bool
    /// Every session the participant is in, closed ones included (one attempt per stage).
    func sessions(ofParticipant participant: String) throws -> [String]
    /// What scoring an attempt needs beyond its answers.
    func scoringBasis(session: String, participant: String) throws -> (ruleSetID: String, formationType: String)?
    /// A candidate's paper as stored (JSON): the one large value of a candidate, read only when needed.
    func paper(session: String, participant: String) throws -> String?
    /// Whether the candidate has finished, and the extension they and their session have been given.
    func extensionGiven(session: String, participant: String) throws -> (finished: Bool, added: Int64)?
    /// The participants of the session who have not finished: those who started, or those who never did.
    func unfinishedParticipants(session: String, started: Bool) throws -> [String]
    /// Attempts still running in sessions already closed (a close that could not finish
    /// them), in every session or only the one candidate given.
    func attemptsLeftRunningInClosedSessions(only: (session: String, participant: String)?) throws -> [(session: String, participant: String)]
    /// The session's running attempts whose start plus their own time (allowed and own
    /// extension) is before `deadline` (only `participant`'s, when given).
    func runningAttempts(session: String, endingBefore deadline: Int64, participant: String?) throws -> [StoredAttempt]
    /// Attempts running in open sessions, in all.
    func runningAttemptCount() throws -> Int

    // MARK: - Answers

    /// The answer log's answers and clears (not the doubtful marks), in the candidate's order.
    func loggedAnswers(session: String, participant: String) throws -> [LoggedAnswer]
    /// What the log holds under one sequence number of the candidate.
    func loggedChange(session: String, participant: String, sequence: Int64) throws -> LoggedAnswer?
    /// The sequence number of the item's current answer (`answer`/`clear`) or doubtful mark (`doubt`/`undoubt`).
    func currentSequence(session: String, participant: String, item: String, of kind: AnswerKind) throws -> Int64?
    /// The candidate's grid: each item's current answer and doubtful mark, by item id.
    func currentAnswers(session: String, participant: String) throws -> [GridEntry]
    func answeredCount(session: String, participant: String) throws -> Int
    func lastSequence(session: String, participant: String) throws -> Int64

    // MARK: - Results

    /// What a session's results package says about the session; nil for an unknown one.
    func resultsBasis(session: String) throws -> ResultsBasis?
    /// Every candidate of the session as their attempt ended, by participant number.
    func results(session: String) throws -> [StoredResult]
    /// The session's whole answer log (every kind), per participant in their order.
    func answerLogs(session: String) throws -> [String: [ResultsPackage.LogLine]]
    /// The signed results package made when the session closed (the envelope as sent).
    func resultsPackage(session: String) throws -> Data?
    /// Results packages the portal has not yet acknowledged, oldest first.
    func undeliveredResults() throws -> [(session: String, envelope: Data)]
    /// Every results package made, delivered or not, oldest first.
    func allResults() throws -> [(session: String, envelope: Data)]
    /// Closed sessions from the portal's packages that have no results package yet.
    func closedSessionsWithoutResults() throws -> [String]
    /// Scored attempts of sessions from the portal's packages not yet sent as live scores, earliest first.
    func unsentScores(limit: Int) throws -> [UnsentScore]
    /// A session's scored attempts, latest first (the venue's screen).
    func finishedScores(session: String) throws -> [(participant: String, name: String, score: ScoreSheet, finishedAt: Int64)]

    // MARK: - Proctors

    func proctor(username: String) throws -> StoredProctor?
    /// The owner of a proctor token and when it expires.
    func proctorToken(hash: String) throws -> (username: String, expiresAt: Int64)?

    // MARK: - Audit

    /// The audit log, in order: all of it, or one session's with the node's downtime
    /// credits (which concern every running session).
    func auditEntries(session: String?) throws -> [AuditEntry]
}

/// What a write transaction may do besides reading.
protocol ExamStoreTransaction: ExamStoreReading {
    /// Runs `body` so that, if it throws, only what it did is undone (the rest of the transaction goes on).
    func inSavepoint<T>(_ body: () throws -> T) throws -> T

    // MARK: - Sessions

    /// The session's row and stopped intervals, kept in memory by the writer between
    /// changes to them (every save reads them).
    func sessionClock(_ id: String) throws -> SessionClock?
    func insertSession(id: String, venue: String, ruleSetID: String, scheduledStart: Int64, pin: String, createdAt: Int64) throws
    /// A session not yet opened takes a new plan from a newer roster package.
    func replanSession(id: String, venue: String, ruleSetID: String, scheduledStart: Int64) throws
    func markSessionOpen(_ id: String, at now: Int64) throws
    func markSessionClosed(_ id: String, at now: Int64) throws
    func startPause(session: String, at now: Int64) throws
    func endPause(_ pause: Int64, at now: Int64) throws
    func extendSession(_ id: String, byMilliseconds added: Int64) throws
    func insertDowntime(from: Int64, to: Int64) throws
    func recordHeartbeat(at now: Int64) throws

    // MARK: - Rosters and attempts

    /// One roster line with its time and paper (JSON, encoded before the transaction).
    func insertCandidate(session: String, _ entry: RosterEntry, allowedMilliseconds: Int64, paper: String, fingerprint: String) throws
    /// Removes a session's roster (only before it opens: nobody has answered).
    func deleteCandidates(session: String) throws
    /// Marks the session's roster as being loaded from package `version`: it cannot open.
    func markRosterLoading(session: String, version: Int) throws
    /// Records which roster package (period, node, version) set the session's roster, and
    /// its digest: the roster is complete.
    func setRosterVersion(session: String, version: Int, digest: String, periodID: String, nodeID: String, createdAt: Int64) throws
    func extendCandidate(session: String, participant: String, byMilliseconds added: Int64) throws
    func recordFailedLogin(session: String, participant: String, failedLogins: Int, lockedUntil: Int64?) throws
    /// Binds the candidate to `device` and clears their failed logins.
    func bindDevice(session: String, participant: String, device: String) throws
    /// Frees the candidate from their device and clears their failed logins; false for an unknown candidate.
    func releaseDevice(session: String, participant: String) throws -> Bool
    func insertCandidateToken(hash: String, session: String, participant: String, device: String, at now: Int64) throws
    func endCandidateTokens(session: String, participant: String) throws
    func startAttempt(session: String, participant: String, at now: Int64, allowedMilliseconds: Int64) throws
    /// Finishes the attempt with its score; clears any finish problem.
    func finishAttempt(session: String, participant: String, at now: Int64, reason: String, score: ScoreSheet) throws
    /// Finishes the attempt of one who never started: no score.
    func markAbsent(session: String, participant: String, at now: Int64) throws
    /// Ends the attempt as disqualified with the proctor's reason (a finished one keeps its score).
    func disqualify(session: String, participant: String, at now: Int64, reason: String) throws
    /// Records why the attempt could not be finished; false if that problem was already recorded.
    func recordFinishProblem(session: String, participant: String, problem: String) throws -> Bool

    // MARK: - Answers

    /// Appends to the answer log; false (and nothing changed) if the sequence number is already there.
    func appendAnswerLog(session: String, participant: String, change: LoggedAnswer, at now: Int64) throws -> Bool
    /// Sets the item's current answer (`answer`/`clear`) or doubtful mark (`doubt`/`undoubt`),
    /// unless a newer one (a higher sequence number) is there; false if it was.
    func applyCurrent(session: String, participant: String, change: LoggedAnswer) throws -> Bool

    // MARK: - Results

    /// Keeps the session's signed results package; false (nothing changed) if one is kept already.
    func insertResultsPackage(session: String, digest: String, envelope: Data, at now: Int64) throws -> Bool
    func markResultsDelivered(session: String, at now: Int64) throws
    func markScoresSent(_ attempts: [(session: String, participant: String)], at now: Int64) throws

    // MARK: - Proctors

    /// Creates the account, or sets a new password, authenticator secret (its last step
    /// back to 0) and venue on an existing one.
    func saveProctor(username: String, passwordHash: String, totpSecret: String, venue: String?, at now: Int64) throws
    func assignProctor(username: String, session: String) throws
    /// Moves the proctor's last accepted authenticator step to `step`; false unless it was lower.
    func advanceTOTPStep(username: String, to step: Int64) throws -> Bool
    func insertProctorToken(hash: String, username: String, createdAt: Int64, expiresAt: Int64) throws
    /// Records a portal request as answered until `expiresAt` (and forgets those expired by
    /// `now`); false if it was answered before.
    func claimPortalRequest(digest: String, expiresAt: Int64, now: Int64) throws -> Bool
    func endProctorToken(hash: String) throws
    func endProctorTokens(username: String) throws

    // MARK: - Audit

    func appendAudit(_ entry: AuditEntry) throws
}

// MARK: - What the store holds

/// A session as stored.
struct StoredSession: Sendable {
    let id: String
    let venue: String
    let ruleSetID: String
    let scheduledStart: Int64
    let pin: String
    /// `created`, `loading` (its roster is being loaded), `open` or `closed`.
    let state: String
    let openedAt: Int64?
    /// Added to every candidate's time.
    let extensionMilliseconds: Int64
}

/// A session and the intervals in which its candidates' clocks stop.
struct SessionClock: Sendable {
    let session: StoredSession
    let stopped: [StoppedInterval]
}

/// A candidate's attempt as their own requests and the clock need it.
struct StoredAttempt: Sendable {
    let session: String
    let participant: String
    let name: String
    let formationType: String
    let allowedMilliseconds: Int64
    /// Proctor extensions of this candidate alone (the session's are on the session).
    let extensionMilliseconds: Int64
    let startedAt: Int64?
    let finishedAt: Int64?
    /// Unset until finished (and for one absent); an unreadable stored score reads as unset.
    let score: ScoreSheet?
}

/// A roster line as the proctor's list shows it.
struct StoredCandidate: Sendable {
    let attempt: StoredAttempt
    /// `candidate`, `time`, `proctor-close` or `absent`.
    let finishReason: String?
    /// Why the node could not finish this attempt, until it can.
    let finishProblem: String?
    /// The device the candidate is signed in on.
    let device: String?
}

/// A participant's row in one session, as a login checks it.
struct StoredLogin: Sendable {
    let session: String
    let name: String
    /// `AccessCode.digest` of the code on the exam card.
    let accessCodeDigest: String
    let pin: String
    let failedLogins: Int
    let lockedUntil: Int64?
    let finishedAt: Int64?
    let device: String?
    /// The session's roster is still loading: nobody signs in yet.
    let rosterLoading: Bool
}

/// A session as its results package describes it.
/// The roster package a session's roster came from.
struct LoadedRoster: Sendable {
    let version: Int
    let digest: String
    /// Nil for a roster loaded before packages named their period on the node.
    let periodID: String?
    let createdAt: Int64?
}

struct ResultsBasis: Sendable {
    let session: StoredSession
    let closedAt: Int64?
    /// From the roster package that set the session's roster; nil for a roster loaded by hand.
    let rosterVersion: Int?
    let periodID: String?
    let nodeID: String?
}

/// A finished attempt whose score the portal has not yet been sent.
struct UnsentScore: Sendable {
    let session: String
    let participant: String
    let periodID: String
    let nodeID: String
    let score: ScoreSheet
    let finishedAt: Int64
    /// Sent before, and the candidate has since been disqualified: the score is withdrawn.
    let withdrawn: Bool
}

/// How one candidate's attempt ended.
struct StoredResult: Sendable {
    let participant: String
    let startedAt: Int64?
    let finishedAt: Int64?
    /// `candidate`, `time`, `proctor-close`, `absent` or `disqualified`; nil while running.
    let finishReason: String?
    let disqualifiedReason: String?
    let score: ScoreSheet?
    let fingerprint: String
}

/// A proctor account.
struct StoredProctor: Sendable {
    let passwordHash: String
    /// Empty for an account from before authenticator codes (it must be reset).
    let totpSecret: String
    /// The last authenticator time step accepted: a code is accepted once.
    let lastTOTPStep: Int64
    /// Set: the proctor reaches every session of this venue, and creates sessions only there.
    let venue: String?
}

/// What a candidate's write does to an item.
enum AnswerKind: String, Sendable {
    case answer, clear, doubt, undoubt

    /// An answer or its clearing, rather than a doubtful mark.
    var isAnswer: Bool { self == .answer || self == .clear }
}

/// One write of the answer log.
struct LoggedAnswer: Sendable, Equatable {
    let item: String
    let kind: AnswerKind
    let option: String?
    /// The candidate's own sequence number.
    let sequence: Int64
}
