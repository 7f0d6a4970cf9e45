import Crypto
import ExamEngine
import Foundation
import SeleksiAuth
public import SeleksiCore
import Synchronization

/// A candidate's attempt: login on one device, the paper (whose first fetch starts the
/// clock), answers and doubtful marks in order, the state the page polls, and finishing.
extension ExamService {
    public func login(participant: String, pin: String, accessCode: String, device: String, address: String) async throws -> CandidateLogin {
        let device = device.trimmingCharacters(in: .whitespaces)
        guard !device.isEmpty, device.count <= 128 else { throw ExamNodeError.invalid("Pengenal perangkat wajib dikirim.") }
        let now = clock.nowMilliseconds()
        if let wait = await addressFailures.begin(address, now: now, limit: settings.loginFailuresPerAddress, window: settings.lockoutMilliseconds) {
            throw ExamNodeError.lockedOut(seconds: (wait + 999) / 1000)
        }
        let token = SecretToken.generate().text
        let outcome: Result<CandidateLogin, ExamNodeError>
        do { outcome = try await attemptLogin(participant: participant, pin: pin, accessCode: accessCode, device: device, token: token, now: now) } catch {
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
        accessCode: String,
        device: String,
        token: String,
        now: Int64
    ) async throws -> Result<CandidateLogin, ExamNodeError> {
        let settings = self.settings
        let typed = AccessCode.digest(accessCode)
        return try await store.groupWrite { tx in
            let rows = try tx.logins(participant: participant)
            guard let row = rows.first(where: { $0.pin == pin }) ?? rows.first else {
                return .failure(.wrongCredentials)
            }
            let session = row.session
            if let locked = row.lockedUntil, locked > now { return .failure(.lockedOut(seconds: (locked - now) / 1000)) }
            guard row.pin == pin, SecretToken.matches(typed, row.accessCodeDigest) else {
                let failures = row.failedLogins + 1
                let lock: Int64? = failures >= settings.maxFailedLogins ? now + settings.lockoutMilliseconds : nil
                try tx.recordFailedLogin(session: session, participant: participant, failedLogins: lock == nil ? failures : 0, lockedUntil: lock)
                try Self.audit(tx, now, actor: participant, "candidate-login-failed", session: session, participant: participant)
                return .failure(lock == nil ? .wrongCredentials : .lockedOut(seconds: settings.lockoutMilliseconds / 1000))
            }
            if row.finishedAt != nil { return .failure(.alreadyFinished) }
            if row.rosterLoading { return .failure(.rosterLoading) }
            if let bound = row.device, bound != device { return .failure(.otherDevice) }
            try tx.bindDevice(session: session, participant: participant, device: device)
            // A second login from the same device (the page reloaded, the browser restarted)
            // replaces the first token: one live token per candidate.
            try tx.endCandidateTokens(session: session, participant: participant)
            try tx.insertCandidateToken(
                hash: CandidateCredential(token: token, device: device).digest,
                session: session,
                participant: participant,
                device: device,
                at: now
            )
            try Self.audit(tx, now, actor: participant, "candidate-login", session: session, participant: participant)
            return .success(CandidateLogin(token: token, sessionID: session, participantNumber: participant, name: row.name))
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
            owner = try await store.read { tx in
                let (attempt, _) = try Self.candidate(tx, tokenHash: tokenHash)
                return (attempt.session, attempt.participant)
            }
        }
        let paper: Paper
        if let kept = papers.get(session: owner.session, participant: owner.participant) {
            paper = kept
        } else {
            paper = try Self.decodePaper(try await store.read { tx in try Self.storedPaper(tx, session: owner.session, participant: owner.participant) })
            papers.set(session: owner.session, participant: owner.participant, paper)
        }
        // The bank the paper was assembled from, word for word and figure for figure: a
        // node restarted with a changed bank (same item versions) would show and score
        // something other than what the paper's fingerprint says.
        if let content = paper.bankContent, content != (try catalog.entry(paper.ruleSetID)).bank.contentDigest {
            throw ExamNodeError.bankChanged
        }
        let lateStart = settings.lateStart
        let (session, number, name, ruleSet) = try await store.groupWrite { tx -> (String, String, String, String) in
            let (attempt, session) = try Self.candidate(tx, tokenHash: tokenHash)
            guard attempt.session == owner.session, attempt.participant == owner.participant else { throw ExamNodeError.badToken }
            if session.state == "closed" { throw ExamNodeError.sessionClosed }
            guard session.state == "open" else { throw ExamNodeError.sessionNotOpen }
            if attempt.startedAt == nil {
                let openedAt = session.openedAt ?? now
                let allowed = try lateStart.start(
                    openedAt: openedAt,
                    allowed: attempt.allowedMilliseconds,
                    stopped: try tx.stoppedIntervals(session: owner.session),
                    now: now
                ).get()
                try tx.startAttempt(session: attempt.session, participant: attempt.participant, at: now, allowedMilliseconds: allowed)
                let late = attempt.allowedMilliseconds - allowed
                try Self.audit(
                    tx,
                    now,
                    actor: attempt.participant,
                    "attempt-start",
                    session: attempt.session,
                    participant: attempt.participant,
                    details: late > 0 ? "terlambat \(late / 1000) detik; waktu berkurang sebanyak itu" : ""
                )
            }
            return (attempt.session, attempt.participant, attempt.name, session.ruleSetID)
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
        try await record(credential, item: item, sequence: sequence, kind: option == nil ? .clear : .answer, option: option)
    }

    /// Marks an item doubtful (ragu-ragu), or unmarks it.
    public func mark(_ credential: CandidateCredential, item: String, doubtful: Bool, sequence: Int64) async throws -> SaveReceipt {
        try await record(credential, item: item, sequence: sequence, kind: doubtful ? .doubt : .undoubt, option: nil)
    }

    private func record(_ credential: CandidateCredential, item itemID: String, sequence: Int64, kind: AnswerKind, option: String?) async throws -> SaveReceipt
    {
        guard sequence > 0, sequence < Int64(1) << 53 else { throw ExamNodeError.badSequence }
        let tokenHash = credential.digest
        // Only the checks that need the transaction run in the (single) writer: the paper's
        // item ids are found before, from memory or a reader connection.
        let (owner, items) = try await paperItems(tokenHash: tokenHash)
        let now = clock.nowMilliseconds()
        let grace = settings.graceMilliseconds
        let catalog = self.catalog
        return try await store.groupWrite { tx in
            let attempt = try Self.candidateAttempt(tx, tokenHash: tokenHash)
            let sessionID = attempt.session
            let number = attempt.participant
            guard sessionID == owner.session, number == owner.participant else { throw ExamNodeError.badToken }
            if attempt.finishedAt != nil { throw ExamNodeError.alreadyFinished }
            guard let sessionClock = try tx.sessionClock(sessionID) else { throw ExamNodeError.badToken }
            let session = sessionClock.session
            guard session.state == "open" else { throw session.state == "closed" ? ExamNodeError.sessionClosed : ExamNodeError.sessionNotOpen }
            guard let timing = Self.timing(attempt, session: session, stopped: sessionClock.stopped) else { throw ExamNodeError.sessionNotOpen }
            if timing.isStopped(at: now) { throw ExamNodeError.sessionPaused }
            if timing.isOver(at: now, grace: grace) { throw ExamNodeError.timeUp }
            guard items.contains(itemID) else { throw ExamNodeError.itemNotInPaper }
            if let option {
                let item = try catalog.entry(session.ruleSetID).bank.item(itemID)
                guard item?.optionIndex(of: option) != nil else { throw ExamNodeError.optionOutOfRange }
            }
            let receipt = { (applied: Bool) in
                SaveReceipt(saved: true, item: itemID, sequence: sequence, applied: applied, serverTime: now, secondsLeft: timing.remaining(at: now) / 1000)
            }
            let change = LoggedAnswer(item: itemID, kind: kind, option: option, sequence: sequence)
            guard try tx.appendAnswerLog(session: sessionID, participant: number, change: change, at: now) else {
                // A retry of a write already logged: acknowledge it again, change nothing.
                guard try tx.loggedChange(session: sessionID, participant: number, sequence: sequence) == change else {
                    throw ExamNodeError("sequence-reused", kind: .conflict, "Nomor urut \(sequence) sudah dipakai untuk jawaban lain.")
                }
                return receipt(try tx.currentSequence(session: sessionID, participant: number, item: itemID, of: kind) == sequence)
            }
            // The item's current state, unless a newer write (a higher sequence) is already there.
            return receipt(try tx.applyCurrent(session: sessionID, participant: number, change: change))
        }
    }

    /// An image of the candidate's paper, by its content address: only with their live
    /// token, and only one an item of their paper shows (another paper's figure is not
    /// theirs to see before its time).
    func paperImage(_ credential: CandidateCredential, digest: String) async throws -> BankImage {
        let items = try await figureScope(credential)
        guard let shown = catalog.images[digest], !shown.items.isDisjoint(with: items) else {
            throw ExamNodeError("image-not-in-paper", kind: .notFound, "Gambar itu tidak ada dalam naskah Anda.")
        }
        return shown.image
    }

    /// Every figure of the candidate's paper in one answer (`{"images":{digest:{type,data}}}`,
    /// base64): a room's first screen is one request per candidate, not one per figure.
    /// The same checks as one figure.
    func paperImages(_ credential: CandidateCredential) async throws -> [UInt8] {
        let items = try await figureScope(credential)
        var seen = Set<String>()
        var out: [UInt8] = []
        JSONText.raw("{\"images\":{", to: &out)
        for item in items.sorted() {
            for member in catalog.figureMembers[item] ?? [] where seen.insert(member.digest).inserted {
                if seen.count > 1 { JSONText.raw(",", to: &out) }
                out.append(contentsOf: member.json)
            }
        }
        JSONText.raw("}}", to: &out)
        return out
    }

    /// The items whose figures a candidate may see (`bankID/itemID`, as the catalog keys
    /// them): their paper's, with a live token, while the session runs (as the paper itself).
    private func figureScope(_ credential: CandidateCredential) async throws -> Set<String> {
        let tokenHash = credential.digest
        let (_, session) = try await store.read { tx in try Self.candidate(tx, tokenHash: tokenHash) }
        if session.state == "closed" { throw ExamNodeError.sessionClosed }
        guard session.state == "open" else { throw ExamNodeError.sessionNotOpen }
        let (_, items) = try await paperItems(tokenHash: tokenHash)
        let bank = try catalog.entry(session.ruleSetID).bank.id
        return Set(items.map { bank + "/" + $0 })
    }

    /// The candidate a token belongs to and their paper's item ids: from memory, or read
    /// (and decoded) on a reader connection the first time after a start or restart.
    /// Throws `badToken` for a token that is not (or no longer) valid.
    func paperItems(tokenHash: String) async throws -> ((session: String, participant: String), Set<String>) {
        if let owner = tokenOwners.get(tokenHash), let items = paperItems.get(session: owner.session, participant: owner.participant) {
            return (owner, items)
        }
        let (session, participant, items) = try await store.read { tx -> (String, String, Set<String>) in
            let (attempt, _) = try Self.candidate(tx, tokenHash: tokenHash)
            let session = attempt.session
            let participant = attempt.participant
            let items = Set(try Self.decodePaper(try Self.storedPaper(tx, session: session, participant: participant)).items.map(\.itemID))
            return (session, participant, items)
        }
        tokenOwners.set(tokenHash, session: session, participant: participant)
        paperItems.set(session: session, participant: participant, items)
        return ((session, participant), items)
    }

    /// The candidate's session's pulse (`SessionPulses`): when it moves, the page fetches
    /// its state. One indexed read checks the token (`badToken` for one that is not, or no
    /// longer, valid: a device reset ends it), and fills no cache (a closed session's
    /// entries stay dropped).
    public func pulse(_ credential: CandidateCredential) async throws -> Int {
        let tokenHash = credential.digest
        let session = try await store.read { tx in try Self.candidate(tx, tokenHash: tokenHash).0.session }
        return pulses.value(session: session)
    }

    public func state(_ credential: CandidateCredential) async throws -> CandidateState {
        let now = clock.nowMilliseconds()
        return try await store.read { tx in
            let (attempt, session) = try Self.candidate(tx, tokenHash: credential.digest)
            let sessionID = attempt.session
            let number = attempt.participant
            let stopped = try tx.stoppedIntervals(session: sessionID)
            let timing = Self.timing(attempt, session: session, stopped: stopped)
            let finished = attempt.finishedAt != nil
            let grid = try tx.currentAnswers(session: sessionID, participant: number)
            let last = try tx.lastSequence(session: sessionID, participant: number)
            return CandidateState(
                serverTime: now,
                secondsLeft: finished ? 0 : (timing.map { $0.remaining(at: now) } ?? attempt.allowedMilliseconds) / 1000,
                paused: timing?.isStopped(at: now) ?? false,
                started: timing != nil,
                finished: finished,
                lastSequence: last,
                grid: grid,
                score: attempt.score.map(ScoreView.init)
            )
        }
    }

    /// The candidate ends their exam; the score is computed from the answer log.
    public func finish(_ credential: CandidateCredential) async throws -> ScoreSheet {
        let now = clock.nowMilliseconds()
        let service = self
        return try await store.write { tx in
            let (attempt, session) = try Self.candidate(tx, tokenHash: credential.digest)
            if attempt.finishedAt != nil { throw ExamNodeError.alreadyFinished }
            guard attempt.startedAt != nil, session.state == "open" else { throw ExamNodeError.sessionNotOpen }
            return try service.finish(tx, session: attempt.session, participant: attempt.participant, reason: "candidate", now: now)
        }
    }
}
