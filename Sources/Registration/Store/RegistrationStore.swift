public import Foundation
public import Logging
public import Selection
public import ServiceLifecycle

/// A message waiting in the outbox.
public struct Mail: Sendable, Codable, Hashable {
    public var id: Int64
    public var to: String
    public var subject: String
    public var body: String
    public var createdAt: Int64

    public init(id: Int64 = 0, to: String, subject: String, body: String, createdAt: Int64) {
        self.id = id
        self.to = to
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
    }
}

/// A one-time code sent by email (to confirm the address, or to reset a password);
/// only its hash is stored.
public struct OneTimeCode: Sendable, Hashable {
    public enum Purpose: String, Sendable {
        case verifyEmail = "verify-email"
        case resetPassword = "reset-password"
        /// The second step of a sign-in from an address or for an account over its limit.
        case signIn = "sign-in"
    }

    public var purpose: Purpose
    public var codeHash: String
    public var expiresAt: Int64

    public init(purpose: Purpose, codeHash: String, expiresAt: Int64) {
        self.purpose = purpose
        self.codeHash = codeHash
        self.expiresAt = expiresAt
    }
}

/// What the staff login needs to check.
public struct StaffCredentials: Sendable {
    public var staff: StaffAccount
    public var passwordHash: String
    public var totpSecret: String
    /// The last TOTP time step accepted, so that a code is never accepted twice.
    public var lastTOTPStep: Int64
}

/// A line of a verifier's worklist.
public struct ApplicationSummary: Sendable, Codable, Hashable {
    public var id: Int64
    public var name: String
    public var position: String
    public var formationType: String
    public var submittedAt: Int64?
    public var result: String?
    public var objectionPending: Bool
}

/// One item of a batch was refused, so none was saved.
public struct RefusedInBatch: Error, Sendable {
    public let index: Int
    public let refusal: RegistrationError

    public init(index: Int, refusal: RegistrationError) {
        self.index = index
        self.refusal = refusal
    }
}

/// The portal's store. Its operations are the domain's, so that a PostgreSQL
/// implementation can follow without touching the routes. Each operation is one
/// transaction: nothing is ever half-saved, and a staff action and its audit line
/// commit together.
public protocol RegistrationStore: Sendable {
    /// What keeps the store healthy while the portal runs (the embedded store's
    /// checkpointer; a client's connection pool), run as services beside the portal.
    func maintenance(logger: Logger) -> [any Service]

    // MARK: - Period, agencies, formations, exam slots

    /// Saves the timetable; the stored announcement time is kept whatever `period` says.
    func savePeriod(_ period: SelectionPeriod, audit: AuditEntry?) async throws
    /// Sets the announcement time once; throws `already-announced` the second time and
    /// `verification-pending` while a submitted application has no result.
    /// Refused (`decisions-changed`) when `confirmed` is given and the decisions'
    /// `AnnouncementRule.decisionsDigest` is no longer it.
    func announceResults(periodID: String, at: Int64, confirmed: String?, audit: AuditEntry) async throws -> SelectionPeriod
    /// The submitted applications of the period and their verification results.
    func verificationTally(periodID: String) async throws -> VerificationTally
    func currentPeriod() async throws -> SelectionPeriod?
    func saveAgency(_ agency: Agency, audit: AuditEntry?) async throws
    func agencies() async throws -> [Agency]
    func saveFormation(_ formation: Formation, audit: AuditEntry?) async throws
    /// Saves all of them or none: throws `RefusedInBatch` naming the first one
    /// `TimetableEditRule` (or an unknown agency) refuses. `audits` commit with them.
    func saveFormations(_ formations: [Formation], audits: [AuditEntry]) async throws
    func formations(periodID: String, filter: FormationFilter) async throws -> (items: [Formation], total: Int)
    func formation(id: String) async throws -> Formation?
    /// Adds or changes a slot; throws what `TimetableEditRule.slotRefusal` refuses.
    func saveSlot(_ slot: ExamSlot, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry?) async throws
    func slots(periodID: String) async throws -> [ExamSlot]

    // MARK: - Accounts, codes, sessions

    /// Creates the account with its first email code and the mail that carries it.
    /// Throws `duplicateNIK` or `duplicateEmail`.
    func createAccount(_ account: Account, passwordHash: String, code: OneTimeCode, mail: Mail) async throws -> Account
    func account(id: Int64) async throws -> Account?
    /// The account and its password hash, by NIK or email.
    func accountForLogin(periodID: String, nikOrEmail: String) async throws -> (account: Account, passwordHash: String)?
    func issueCode(accountID: Int64, _ code: OneTimeCode, mail: Mail) async throws
    /// When the newest code of a purpose expires, to pace requests for new ones.
    func latestCodeExpiry(accountID: Int64, purpose: OneTimeCode.Purpose) async throws -> Int64?
    /// Uses the code (once) and marks the email verified; false if no such valid code.
    func confirmEmail(accountID: Int64, codeHash: String, now: Int64) async throws -> Bool
    /// Uses a code of `purpose` (once); false if no such valid code.
    func useCode(accountID: Int64, purpose: OneTimeCode.Purpose, codeHash: String, now: Int64) async throws -> Bool
    /// Uses the code (once), sets the new hash and ends every session of the account.
    func resetPassword(accountID: Int64, codeHash: String, passwordHash: String, now: Int64) async throws -> Bool
    /// Counts one guess (a password, an email or reset code) against every key's limit
    /// before it is checked, in one transaction, so concurrent guesses cannot all slip
    /// under the limit together: nil (and nothing recorded) if any key already has
    /// `limit` failures since `since`, else the ids of the failures recorded for it.
    func beginLoginAttempt(limits: [(key: String, limit: Int)], since: Int64, at: Int64) async throws -> [Int64]?
    /// Takes back failures recorded by `beginLoginAttempt` (the guess was right, or was no guess).
    func withdrawLoginAttempt(ids: [Int64]) async throws
    func clearLoginFailures(key: String) async throws

    func createSession(tokenHash: String, _ session: AuthSession, audit: AuditEntry?) async throws
    func session(tokenHash: String, now: Int64) async throws -> AuthSession?
    func deleteSession(tokenHash: String) async throws

    /// Creates the staff account, or replaces its password and TOTP secret.
    func saveStaff(
        username: String,
        role: StaffRole,
        agencyID: String?,
        periodID: String?,
        passwordHash: String,
        totpSecret: String
    ) async throws -> StaffAccount
    func staffCredentials(username: String) async throws -> StaffCredentials?
    /// Records the TOTP step used; false if it was not newer than the last one (a replay).
    func useTOTPStep(staffID: Int64, step: Int64) async throws -> Bool

    // MARK: - Applications and documents

    /// Throws `secondApplication` if the account already has one.
    func createApplication(accountID: Int64, periodID: String, draft: ApplicationDraft, now: Int64) async throws -> Application
    /// Throws `locked` once registration was ended.
    func updateDraft(applicationID: Int64, draft: ApplicationDraft, now: Int64) async throws
    func application(accountID: Int64) async throws -> Application?
    func application(id: Int64) async throws -> Application?
    /// Records the new file of a kind; returns the path of the file it replaced. Throws `locked`.
    func replaceDocument(applicationID: Int64, _ document: StoredDocument) async throws -> String?
    /// Locks the application. Throws `locked` if it already is, `missingDocuments` if kinds are missing.
    func submit(applicationID: Int64, requiredKinds: [String: String], now: Int64) async throws

    // MARK: - Verification and objections

    func applications(agencyID: String, periodID: String) async throws -> [ApplicationSummary]
    func recordVerification(applicationID: Int64, _ verification: Verification, audit: AuditEntry) async throws
    /// Files an objection if `ObjectionRule` allows it at `objection.filedAt`.
    func fileObjection(applicationID: Int64, _ objection: Objection, deadline: Int64?) async throws
    /// An accepted objection makes the result MS with `accommodations` confirmed.
    func answerObjection(
        applicationID: Int64,
        answer: String,
        accepted: Bool,
        accommodations: [String],
        by: String,
        at: Int64,
        audit: AuditEntry
    ) async throws

    // MARK: - Exam nodes

    /// Registers a node, or replaces its venues, address and key; throws
    /// `NodeRegistrationRule.keyInUse` if another node has the key.
    func saveNode(_ node: RegisteredNode, periodID: String, audit: AuditEntry) async throws
    func nodes(periodID: String) async throws -> [RegisteredNode]
    /// Everyone with a seat, by slot (accounts frozen by a NIK claim left out).
    func seatedParticipants(periodID: String) async throws -> [SeatedParticipant]
    /// The names of these participants (by number) seated in the period, keyed by
    /// `slot/number`: what a live-score batch needs, without reading the whole period.
    func seatedNames(periodID: String, participantNumbers: [String]) async throws -> [String: String]
    func latestRosterPackage(periodID: String, nodeID: String) async throws -> StoredRosterPackage?
    /// Adds the next version; throws `conflict` if that version was built meanwhile.
    func appendRosterPackage(_ package: StoredRosterPackage, periodID: String, audit: AuditEntry) async throws

    /// One version of a node's roster package, as signed.
    func rosterPackage(periodID: String, nodeID: String, version: Int) async throws -> StoredRosterPackage?

    // MARK: - Results

    /// Keeps a node's results package as received beside the results taken from it, all
    /// or nothing; false (nothing changed) if this very package is kept already. Throws
    /// `ResultsRule.alreadyImported` for another package of the same session and
    /// `ResultsRule.resultElsewhere` for a participant who sat in another session (being
    /// absent from one is not an attempt).
    func saveResults(_ package: StoredResultsPackage, _ results: [ExamResult], periodID: String, audit: AuditEntry) async throws -> Bool
    func resultsPackages(periodID: String) async throws -> [StoredResultsPackage]
    /// The sessions whose results packages came from `nodeID` (without reading the packages).
    func resultsSessionIDs(periodID: String, nodeID: String) async throws -> [String]
    func resultsPackage(periodID: String, sessionID: String) async throws -> StoredResultsPackage?
    func examResults(periodID: String) async throws -> [ExamResult]
    /// Everyone given a participant number (accounts not frozen), with their formation.
    func rankedApplicants(periodID: String) async throws -> [RankedApplicant]

    // MARK: - Announcements

    /// A stage's announcements in version order: those published by `visibleAt`, or all (nil).
    func announcements(periodID: String, stage: String, visibleAt: Int64?) async throws -> [StoredAnnouncement]
    /// The file of one version (`PublishedAnnouncement`), if published by `visibleAt` (nil: at all).
    func announcementFile(periodID: String, stage: String, version: Int, visibleAt: Int64?) async throws -> Data?
    /// Appends the next version; refuses one whose version or previous digest is not the
    /// latest's successor (another admin published first).
    func appendAnnouncement(_ announcement: StoredAnnouncement, file: Data, periodID: String, audit: AuditEntry) async throws
    /// Removes `version`, if it is the stage's latest and not yet public at `now` (a scheduled
    /// one never shown: no one may have read it), and returns it; refuses
    /// (`announcement-not-latest`, `announcement-public`, `not-found`) otherwise.
    func withdrawScheduledAnnouncement(periodID: String, stage: String, version: Int, now: Int64, audit: AuditEntry) async throws -> StoredAnnouncement

    // MARK: - Interviews

    /// Adds or replaces a panel; refuses (`interview-panel-in-use`) one that has bookings.
    func saveInterviewPanel(_ panel: InterviewPanel, periodID: String, audit: AuditEntry) async throws
    func interviewPanels(periodID: String) async throws -> [InterviewPanel]
    /// Books all of them or none, with their mails: one booking per candidate and per slot
    /// (unique keys); `interview-schedule-changed` if another run booked one meanwhile.
    func addInterviewBookings(_ bookings: [InterviewBooking], periodID: String, mails: [Mail], audit: AuditEntry) async throws
    /// In time order.
    func interviewBookings(periodID: String) async throws -> [InterviewBooking]
    func interviewBooking(periodID: String, participantNumber: String) async throws -> InterviewBooking?
    /// Moves the booking from `from` to `slot` once (`interview-moved-once` the second time
    /// or when it is no longer at `from`); `InterviewMoveRule.slotTaken` when another holds it.
    func moveInterview(
        periodID: String,
        participantNumber: String,
        from: InterviewSlot,
        to slot: InterviewSlot,
        now: Int64,
        mail: Mail?,
        audit: AuditEntry
    ) async throws -> InterviewBooking
    /// Keeps a person's score for a component, replacing the earlier one, with its audit
    /// entry; returns the one it replaced. Refused (`final-announced`) once a final
    /// announcement exists: after it nothing changes.
    /// `audit` is given the score it replaces, as read in the same transaction.
    func saveSKBScore(
        _ score: SKBComponentScore,
        periodID: String,
        audit: @escaping @Sendable (SKBComponentScore?) -> AuditEntry
    ) async throws -> SKBComponentScore?
    func skbScores(periodID: String) async throws -> [SKBComponentScore]
    /// Records (or restates) an interviewer's conflict with a candidate; when `withdrawing`
    /// is the candidate's booking as it stands, removes it in the same transaction and keeps
    /// it as withdrawn with its sequence one higher (`interview-schedule-changed` if it was
    /// moved meanwhile).
    func declareInterviewConflict(
        _ conflict: InterviewConflict,
        periodID: String,
        withdrawing: InterviewBooking?,
        mail: Mail?,
        audit: AuditEntry
    ) async throws
    func interviewConflicts(periodID: String) async throws -> [InterviewConflict]
    /// Adds the authorisations not already there.
    func saveSKBAssessors(_ assessors: [SKBAssessor], periodID: String, audit: AuditEntry) async throws
    func skbAssessors(periodID: String) async throws -> [SKBAssessor]
    /// Bookings withdrawn and not booked again, each with the sequence of its cancellation
    /// and, as `movedAt`, when it was withdrawn.
    func interviewWithdrawals(periodID: String) async throws -> [InterviewBooking]
    /// Name and email of these participants (accounts not frozen), by number.
    func applicantContacts(periodID: String, participantNumbers: [String]) async throws -> [String: (name: String, email: String)]

    // MARK: - Live scores

    /// Keeps the scores not kept yet (one per participant and session); how many were new.
    func saveLiveScores(_ scores: [LiveScore], periodID: String, at now: Int64) async throws -> Int
    /// A session's live scores after the event id `after`, in order.
    func liveScores(periodID: String, sessionID: String, after: Int64, limit: Int) async throws -> [LiveScore]

    // MARK: - NIK claims

    /// Records a claim against the active account holding `claim.nik` (its id is filled
    /// in), if `NIKClaimRule` allows it, with `mails` (the claimant's receipt, the holder's
    /// notice) and the audit entry (its subject is set to the claim).
    func fileClaim(_ claim: NIKClaim, mails: [Mail], audit: AuditEntry) async throws -> NIKClaim
    func claim(id: Int64) async throws -> NIKClaim?
    func claims(periodID: String, status: NIKClaim.Status?) async throws -> [NIKClaim]
    /// Decides a pending claim once. Upheld: the account that held the NIK is frozen (it
    /// can no longer sign in; its sessions end), in the same transaction as the mails and audit.
    func decideClaim(id: Int64, upheld: Bool, by: String, at: Int64, note: String, mails: [Mail], audit: [AuditEntry]) async throws -> NIKClaim

    // MARK: - Participant numbers and seats

    /// Gives every MS applicant without a seat a participant number and a seat at a
    /// slot of their test location with room left; returns (assigned, left without a seat).
    /// Seats everyone waiting, in slots whose roster is not yet fixed (`SeatAssigner.isRosterFixed`).
    func assignSeats(period: SelectionPeriod, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry) async throws -> (assigned: Int, unplaced: Int)
    /// Grants a re-sit unless `ResitRule.refusal` refuses it (checked in the transaction):
    /// the seat moves to `slotID` and the grant is kept beside the audit entry.
    func grantResit(applicationID: Int64, slotID: String, reason: String, by: String, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry) async throws
    /// Moves a seat unless `SeatAssigner.moveRefusal` refuses it (checked in the transaction).
    func moveSeat(applicationID: Int64, slotID: String, now: Int64, freezeMilliseconds: Int64, audit: AuditEntry) async throws

    // MARK: - Audit and outbox

    func appendAudit(_ entry: AuditEntry) async throws
    func audit(_ filter: AuditFilter) async throws -> [AuditEntry]
    func pendingMail(limit: Int) async throws -> [Mail]
    func markMailSent(id: Int64, at: Int64) async throws
}
