import Crypto
import ExamEngine
public import Foundation
import GRDB
import SeleksiAuth
import SeleksiStorage
import Synchronization
public import SeleksiCore

/// The exam node's operations: sessions and rosters for proctors, the paper, answers
/// and the clock for candidates. Every operation is one transaction; every staff action
/// and every time credit goes to the audit log.
public struct ExamService: Sendable {
    public let database: ExamDatabase
    public let clock: any ServerClock
    public let catalog: ExamCatalog
    public let settings: ExamSettings
    /// The item ids of each candidate's paper, so that a save need not decode the paper.
    let paperItems = PaperCache<Set<String>>()
    /// Whose token is whose (session, participant number), so that a save finds the
    /// paper's items before it enters the writer.
    let tokenOwners = TokenOwners()
    /// Each candidate's paper, kept from the roster load (or decoded once after a
    /// restart), so that a full room's first fetches decode nothing.
    let papers = PaperCache<Paper>()
    /// Recent wrong logins per client address (`ExamSettings.loginFailuresPerAddress`).
    let addressFailures = AddressFailures()
    /// Recent wrong proctor sign-ins, per address and per name.
    let proctorFailures = AddressFailures()

    public init(database: ExamDatabase, clock: any ServerClock, catalog: ExamCatalog, settings: ExamSettings = ExamSettings()) {
        self.database = database
        self.clock = clock
        self.catalog = catalog
        self.settings = settings
    }

    var writer: any DatabaseWriter { database.writer }

    public func createSession(venue: String, ruleSetID: String, scheduledStart: Int64, actor: String) async throws -> SessionSummary {
        let venue = venue.trimmingCharacters(in: .whitespaces)
        guard !venue.isEmpty else { throw ExamNodeError.invalid("Nama lokasi ujian wajib diisi.") }
        _ = try catalog.entry(ruleSetID)
        let id = "sesi-" + SecretToken.generate().digest.prefix(10)
        let pin = String(format: "%06d", Int.random(in: 0..<1_000_000))
        let now = clock.nowMilliseconds()
        try await writer.write { db in
            // A proctor set to a venue creates sessions there only; the creator watches it.
            let proctor = try Row.fetchOne(db, sql: "SELECT venue FROM proctor WHERE username = ?", arguments: [actor])
            if let own = proctor?["venue"] as String?, own != venue {
                throw ExamNodeError("wrong-venue", kind: .forbidden, "Anda pengawas di \(own); sesi di lokasi lain tidak dapat Anda buat.")
            }
            try db.execute(
                sql: "INSERT INTO exam_session (id, venue, rule_set_id, scheduled_start, pin, state, created_at) VALUES (?, ?, ?, ?, ?, 'created', ?)",
                arguments: [id, venue, ruleSetID, scheduledStart, pin, now])
            if proctor != nil {
                try db.execute(sql: "INSERT INTO proctor_assignment (username, session_id) VALUES (?, ?)", arguments: [actor, id])
            }
            try Self.audit(db, now, actor: actor, "session-create", session: id, details: "\(venue), \(ruleSetID)")
        }
        return try await session(id)
    }

    public func sessions() async throws -> [SessionSummary] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id FROM exam_session ORDER BY scheduled_start, id").map { try Self.summary(db, id: $0["id"]) }
        }
    }

    public func session(_ id: String) async throws -> SessionSummary {
        try await writer.read { db in try Self.summary(db, id: id) }
    }

    /// Loads the roster and assembles every candidate's paper now, so that a full room
    /// can start in the same second. All or nothing.
    public func loadRoster(sessionID: String, text: String, actor: String) async throws -> Int {
        let summary = try await session(sessionID)
        let entry = try catalog.entry(summary.ruleSet)
        let roster = try RosterParser.parse(text, ruleSet: entry.ruleSet).get()
        // Seeds from the session and the participant: reproducible, and different per candidate.
        let seeds = roster.map { Self.seed(session: sessionID, participant: $0.participantNumber) }
        let papers = entry.assembler.session(seeds: seeds).papers
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var rows: [(RosterEntry, Int64, String, String)] = []
        for (candidate, paper) in zip(roster, papers) {
            let minutes = try entry.ruleSet.durationMinutes(for: candidate.formationType, accommodations: candidate.accommodations)
            rows.append((candidate, Int64(minutes) * 60_000, String(decoding: try encoder.encode(paper), as: UTF8.self), paper.fingerprint))
        }
        let now = clock.nowMilliseconds()
        try await writer.write { [rows] db in
            // Only before the session opens: after that a roster would change who may sit.
            guard try String.fetchOne(db, sql: "SELECT state FROM exam_session WHERE id = ?", arguments: [sessionID]) == "created" else {
                throw ExamNodeError.wrongState
            }
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate WHERE session_id = ?", arguments: [sessionID]) ?? 0
            guard existing == 0 else { throw ExamNodeError.rosterAlreadyLoaded }
            for (candidate, allowed, paper, fingerprint) in rows {
                try db.execute(
                    sql: """
                        INSERT INTO candidate (session_id, participant_number, name, formation_type, birth_date, accommodations, allowed_ms, fingerprint)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        sessionID, candidate.participantNumber, candidate.name, candidate.formationType.rawValue, candidate.birthDate,
                        candidate.accommodations.joined(separator: ";"), allowed, fingerprint,
                    ])
                try db.execute(
                    sql: "INSERT INTO candidate_paper (session_id, participant_number, paper) VALUES (?, ?, ?)",
                    arguments: [sessionID, candidate.participantNumber, paper])
            }
            try Self.audit(db, now, actor: actor, "roster-load", session: sessionID, details: "\(rows.count) peserta")
        }
        for (candidate, paper) in zip(roster, papers) {
            self.papers.set(session: sessionID, participant: candidate.participantNumber, paper)
            paperItems.set(session: sessionID, participant: candidate.participantNumber, Set(paper.items.map(\.itemID)))
        }
        return rows.count
    }

    public func openSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-open") { db, state, now in
            guard state == "created" else { throw ExamNodeError.wrongState }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate WHERE session_id = ?", arguments: [id]) ?? 0
            guard count > 0 else { throw ExamNodeError.invalid("Muat daftar peserta sebelum membuka sesi.") }
            try db.execute(sql: "UPDATE exam_session SET state = 'open', opened_at = ? WHERE id = ?", arguments: [now, id])
        }
    }

    /// Stops every candidate's clock (a power cut in the room).
    public func pauseSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-pause") { db, state, now in
            guard state == "open", try Self.openPause(db, session: id) == nil else { throw ExamNodeError.wrongState }
            try db.execute(sql: "INSERT INTO session_pause (session_id, from_ms) VALUES (?, ?)", arguments: [id, now])
        }
    }

    public func resumeSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-resume") { db, state, now in
            guard state == "open", let pause = try Self.openPause(db, session: id) else { throw ExamNodeError.wrongState }
            try db.execute(sql: "UPDATE session_pause SET to_ms = ? WHERE id = ?", arguments: [now, pause])
        }
    }

    /// Closes the session: every attempt still running is finished and scored.
    public func closeSession(_ id: String, actor: String) async throws {
        let service = self
        try await transition(id, actor: actor, action: "session-close") { db, state, now in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            if let pause = try Self.openPause(db, session: id) {
                try db.execute(sql: "UPDATE session_pause SET to_ms = ? WHERE id = ?", arguments: [now, pause])
            }
            let running = try String.fetchAll(
                db, sql: "SELECT participant_number FROM candidate WHERE session_id = ? AND finished_at IS NULL AND started_at IS NOT NULL", arguments: [id])
            // Each on its own: one that cannot be scored is shown to the proctor, and the others finish.
            for number in running { try service.finishIsolated(db, session: id, participant: number, reason: "proctor-close", now: now) }
            // Who never started is absent (TH): no score, not a fail.
            let absent = try String.fetchAll(
                db, sql: "SELECT participant_number FROM candidate WHERE session_id = ? AND finished_at IS NULL AND started_at IS NULL", arguments: [id])
            for number in absent {
                try db.execute(
                    sql: "UPDATE candidate SET finished_at = ?, finish_reason = 'absent' WHERE session_id = ? AND participant_number = ?",
                    arguments: [now, id, number])
                try Self.audit(db, now, actor: actor, "attempt-absent", session: id, participant: number)
            }
            try db.execute(sql: "UPDATE exam_session SET state = 'closed', closed_at = ? WHERE id = ?", arguments: [now, id])
        }
        paperItems.drop(session: id)
        papers.drop(session: id)
        tokenOwners.drop(session: id)
    }

    public func extendSession(_ id: String, minutes: Int, actor: String) async throws {
        guard (1...120).contains(minutes) else { throw ExamNodeError.invalid("Tambahan waktu harus 1 sampai 120 menit.") }
        let cap = settings.maxExtensionMilliseconds
        try await transition(id, actor: actor, action: "session-extend", details: "\(minutes) menit") { db, state, _ in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            // Every candidate gets it: the one with most time added already sets the limit.
            let most = try Int64.fetchOne(
                db, sql: "SELECT s.extension_ms + COALESCE(MAX(c.extension_ms), 0) FROM exam_session s LEFT JOIN candidate c ON c.session_id = s.id WHERE s.id = ?",
                arguments: [id]) ?? 0
            guard most + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: most / 60_000, capMinutes: cap / 60_000) }
            try db.execute(sql: "UPDATE exam_session SET extension_ms = extension_ms + ? WHERE id = ?", arguments: [minutes * 60_000, id])
        }
    }

    public func extendCandidate(_ id: String, participant: String, minutes: Int, actor: String) async throws {
        guard (1...120).contains(minutes) else { throw ExamNodeError.invalid("Tambahan waktu harus 1 sampai 120 menit.") }
        let cap = settings.maxExtensionMilliseconds
        try await transition(id, actor: actor, action: "candidate-extend", participant: participant, details: "\(minutes) menit") { db, state, _ in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT c.finished_at, c.extension_ms + s.extension_ms AS added FROM candidate c JOIN exam_session s ON s.id = c.session_id
                    WHERE c.session_id = ? AND c.participant_number = ?
                    """, arguments: [id, participant])
            else { throw ExamNodeError.unknownCandidate }
            guard (row["finished_at"] as Int64?) == nil else { throw ExamNodeError.alreadyFinished }
            let added: Int64 = row["added"]
            guard added + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: added / 60_000, capMinutes: cap / 60_000) }
            try db.execute(
                sql: "UPDATE candidate SET extension_ms = extension_ms + ? WHERE session_id = ? AND participant_number = ?",
                arguments: [minutes * 60_000, id, participant])
        }
    }

    /// Frees a candidate to log in from another device (theirs broke); old tokens stop working.
    public func resetDevice(_ id: String, participant: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "candidate-reset-device", participant: participant) { db, _, _ in
            try db.execute(
                sql: "UPDATE candidate SET device = NULL, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
                arguments: [id, participant])
            guard db.changesCount == 1 else { throw ExamNodeError.unknownCandidate }
            try db.execute(sql: "DELETE FROM candidate_token WHERE session_id = ? AND participant_number = ?", arguments: [id, participant])
        }
    }

    public func candidates(_ id: String) async throws -> [CandidateStatus] {
        let now = clock.nowMilliseconds()
        return try await writer.read { db in
            guard let session = try Row.fetchOne(db, sql: "SELECT * FROM exam_session WHERE id = ?", arguments: [id]) else {
                throw ExamNodeError.unknownSession
            }
            let stopped = try Self.stoppedIntervals(db, session: id)
            // Every column but the paper, the one large value: the proctor's page asks often.
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT participant_number, name, formation_type, allowed_ms, extension_ms, started_at, finished_at, finish_reason,
                           finish_problem, score, device
                    FROM candidate WHERE session_id = ? ORDER BY participant_number
                    """, arguments: [id]
            ).map { row in
                let number: String = row["participant_number"]
                // An unreadable paper (its problem is shown) must not hide the whole room.
                let itemCount = try paperItems.get(session: id, participant: number)?.count
                    ?? (try? Self.decodePaper(Self.paperRow(db, session: id, participant: number)))?.itemCount ?? 0
                let answered = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM current_answer WHERE session_id = ? AND participant_number = ? AND option_id IS NOT NULL",
                    arguments: [id, number]) ?? 0
                let timing = Self.timing(row, session: session, stopped: stopped)
                let score = (row["score"] as String?).flatMap { try? JSONDecoder().decode(ScoreSheet.self, from: Data($0.utf8)) }
                let allowed: Int64 = row["allowed_ms"]
                return CandidateStatus(
                    participantNumber: number, name: row["name"], formationType: row["formation_type"],
                    loggedIn: (row["device"] as String?) != nil, started: timing != nil, answered: answered, items: itemCount,
                    secondsLeft: (row["finished_at"] as Int64?) != nil ? 0 : (timing.map { $0.remaining(at: now) } ?? allowed) / 1000,
                    finished: (row["finished_at"] as Int64?) != nil, absent: (row["finish_reason"] as String?) == "absent",
                    total: score?.total, passed: score.map { $0.decision.passed }, problem: row["finish_problem"])
            }
        }
    }

    /// The audit log of one session (with the node's downtime credits, which concern every
    /// running session), or all of it.
    public func audit(session: String?) async throws -> [AuditEntry] {
        try await writer.read { db in
            let rows = try session.map {
                try Row.fetchAll(
                    db, sql: "SELECT * FROM audit_log WHERE session_id = ? OR (session_id IS NULL AND action = 'node-downtime-credit') ORDER BY id",
                    arguments: [$0])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            return rows.map {
                AuditEntry(at: $0["at_ms"], actor: $0["actor"], action: $0["action"], sessionID: $0["session_id"], participantNumber: $0["participant_number"], details: $0["details"])
            }
        }
    }

    // MARK: - Candidates

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
        participant: String, pin: String, birthDate: String, device: String, token: String, now: Int64
    ) async throws -> Result<CandidateLogin, ExamNodeError> {
        let settings = self.settings
        return try await database.grouped.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.session_id, c.name, c.birth_date, c.failed_logins, c.locked_until, c.finished_at, c.device, s.pin, s.state
                    FROM candidate c JOIN exam_session s ON s.id = c.session_id
                    WHERE c.participant_number = ? AND s.state != 'closed' ORDER BY s.scheduled_start
                    """, arguments: [participant])
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
                    arguments: [lock == nil ? failures : 0, lock, session, participant])
                try Self.audit(db, now, actor: participant, "candidate-login-failed", session: session, participant: participant)
                return .failure(lock == nil ? .wrongCredentials : .lockedOut(seconds: settings.lockoutMilliseconds / 1000))
            }
            if (row["finished_at"] as Int64?) != nil { return .failure(.alreadyFinished) }
            if let bound = row["device"] as String?, bound != device { return .failure(.otherDevice) }
            try db.execute(
                sql: "UPDATE candidate SET device = ?, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
                arguments: [device, session, participant])
            // A second login from the same device (the page reloaded, the browser restarted)
            // replaces the first token: one live token per candidate.
            try db.execute(sql: "DELETE FROM candidate_token WHERE session_id = ? AND participant_number = ?", arguments: [session, participant])
            try db.execute(
                sql: "INSERT INTO candidate_token (token_hash, session_id, participant_number, device, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [CandidateCredential(token: token, device: device).digest, session, participant, device, now])
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
            guard (row["session_id"] as String) == owner.session, (row["participant_number"] as String) == owner.participant else { throw ExamNodeError.badToken }
            let state: String = session["state"]
            if state == "closed" { throw ExamNodeError.sessionClosed }
            guard state == "open" else { throw ExamNodeError.sessionNotOpen }
            if (row["started_at"] as Int64?) == nil {
                let openedAt: Int64 = session["opened_at"] ?? now
                let allowed = try lateStart.start(
                    openedAt: openedAt, allowed: row["allowed_ms"], stopped: try Self.stoppedIntervals(db, session: owner.session), now: now
                ).get()
                try db.execute(
                    sql: "UPDATE candidate SET started_at = ?, allowed_ms = ? WHERE session_id = ? AND participant_number = ?",
                    arguments: [now, allowed, row["session_id"], row["participant_number"]])
                let late = (row["allowed_ms"] as Int64) - allowed
                try Self.audit(
                    db, now, actor: row["participant_number"], "attempt-start", session: row["session_id"], participant: row["participant_number"],
                    details: late > 0 ? "terlambat \(late / 1000) detik; waktu berkurang sebanyak itu" : "")
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
                    db.cachedStatement(sql: "SELECT item_id, kind, option_id FROM answer_log WHERE session_id = ? AND participant_number = ? AND client_seq = ?"),
                    arguments: [sessionID, number, sequence])
                guard let earlier, (earlier["item_id"] as String) == itemID, (earlier["kind"] as String) == kind, (earlier["option_id"] as String?) == option else {
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
                db, sql: "SELECT item_id, option_id, doubtful FROM current_answer WHERE session_id = ? AND participant_number = ? ORDER BY item_id",
                arguments: [sessionID, number]
            ).map { GridEntry(item: $0["item_id"], option: $0["option_id"], doubtful: $0["doubtful"]) }
            let last = try Int64.fetchOne(
                db, sql: "SELECT MAX(client_seq) FROM answer_log WHERE session_id = ? AND participant_number = ?", arguments: [sessionID, number]) ?? 0
            let score = (row["score"] as String?).flatMap { try? JSONDecoder().decode(ScoreSheet.self, from: Data($0.utf8)) }.map(ScoreView.init)
            let allowed: Int64 = row["allowed_ms"]
            return CandidateState(
                serverTime: now, secondsLeft: finished ? 0 : (timing.map { $0.remaining(at: now) } ?? allowed) / 1000,
                paused: timing?.isStopped(at: now) ?? false, started: timing != nil, finished: finished, lastSequence: last,
                grid: grid, score: score)
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

    // MARK: - The clock

    /// What one sweep did: the attempts it finished, and those it could not (each is
    /// recorded on the candidate for the proctor and in the audit log, and tried again).
    public struct SweepOutcome: Sendable {
        public var finished = 0
        public var failures: [String] = []
    }

    /// Finishes and scores every attempt whose time (plus grace) is over, browser or not.
    /// Each attempt is finished on its own (a savepoint each): one that cannot be scored is
    /// recorded and never stops the others, nor the heartbeat.
    @discardableResult
    public func sweep() async throws -> SweepOutcome {
        let now = clock.nowMilliseconds()
        let grace = settings.graceMilliseconds
        let service = self
        // Which attempts are over is found on a reader, so that scanning a full room never
        // holds the writer the candidates' saves wait for; each is checked again in the writer.
        let due = try await writer.read { db in try Self.attemptsOver(db, session: nil, at: now, grace: grace) }
        return try await database.grouped.write { db in
            var outcome = SweepOutcome()
            for (session, participant) in due where try !Self.attemptsOver(db, session: (session, participant), at: now, grace: grace).isEmpty {
                switch try service.finishIsolated(db, session: session, participant: participant, reason: "time", now: now) {
                case .finished: outcome.finished += 1
                case .failed(let problem, let new): if new { outcome.failures.append("\(session)/\(participant): \(problem)") }
                }
            }
            try db.execute(sql: "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at_ms = excluded.at_ms", arguments: [now])
            return outcome
        }
    }

    /// The running attempts whose time (plus grace) is over at `now`: in every open
    /// session, or only the one candidate given.
    static func attemptsOver(_ db: Database, session only: (String, String)?, at now: Int64, grace: Int64) throws -> [(String, String)] {
        var over: [(String, String)] = []
        let sessions = try Row.fetchAll(
            db, sql: "SELECT * FROM exam_session WHERE state = 'open'" + (only == nil ? "" : " AND id = ?"), arguments: StatementArguments(only.map { [$0.0] } ?? []))
        for session in sessions {
            let id: String = session["id"]
            let stopped = try stoppedIntervals(db, session: id)
            // Stopped time only ever adds to an attempt, so one whose start plus all its time
            // is not yet past cannot be over: SQLite leaves those out, and a full room in the
            // middle of its exam costs the sweep no rows at all.
            let sessionExtension: Int64 = session["extension_ms"]
            let running = try Row.fetchAll(
                db,
                sql: """
                    SELECT participant_number, started_at, allowed_ms, extension_ms FROM candidate
                    WHERE session_id = ? AND started_at IS NOT NULL AND finished_at IS NULL
                      AND started_at + allowed_ms + extension_ms + ? < ?
                    """ + (only == nil ? "" : " AND participant_number = ?"),
                arguments: StatementArguments([id, sessionExtension + grace, now] as [any DatabaseValueConvertible] + (only.map { [$0.1] } ?? [])))
            for row in running {
                guard let timing = timing(row, session: session, stopped: stopped), timing.isOver(at: now, grace: grace) else { continue }
                over.append((id, row["participant_number"]))
            }
        }
        return over
    }

    /// At start: time since the last heartbeat is time the node was down. Attempts that
    /// were running are credited with it (recorded as a stopped interval and audited).
    @discardableResult
    public func creditDowntime() async throws -> Int64 {
        let now = clock.nowMilliseconds()
        let interval = settings.heartbeatMilliseconds
        return try await writer.write { db in
            defer { _ = try? db.execute(sql: "INSERT INTO heartbeat (id, at_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at_ms = excluded.at_ms", arguments: [now]) }
            guard let last = try Int64.fetchOne(db, sql: "SELECT at_ms FROM heartbeat WHERE id = 1"), now - last > interval else { return 0 }
            let running = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM candidate c JOIN exam_session s ON s.id = c.session_id
                    WHERE s.state = 'open' AND c.started_at IS NOT NULL AND c.finished_at IS NULL
                    """) ?? 0
            try db.execute(sql: "INSERT INTO node_downtime (from_ms, to_ms) VALUES (?, ?)", arguments: [last, now])
            try Self.audit(
                db, now, actor: "sistem", "node-downtime-credit",
                details: "node mati \((now - last) / 1000) detik (detak terakhir \(last)); \(running) peserta yang sedang ujian tidak dibebani waktu itu")
            return now - last
        }
    }

    // MARK: - Inside transactions

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
                arguments: [problem, session, participant, problem])
            let new = db.changesCount > 0
            if new { try Self.audit(db, now, actor: "sistem", "attempt-finish-failed", session: session, participant: participant, details: problem) }
            return .failed(problem, new: new)
        }
    }

    /// Scores from the answer log (the latest write per item wins) and finishes the attempt.
    @discardableResult
    func finish(_ db: Database, session: String, participant: String, reason: String, now: Int64) throws -> ScoreSheet {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT c.*, s.rule_set_id FROM candidate c JOIN exam_session s ON s.id = c.session_id WHERE c.session_id = ? AND c.participant_number = ?",
            arguments: [session, participant])
        else { throw ExamNodeError.unknownCandidate }
        let entry = try catalog.entry(row["rule_set_id"])
        var answers: [String: String] = [:]
        var seen: [String: Int64] = [:]
        for log in try Row.fetchAll(
            db, sql: "SELECT item_id, kind, option_id, client_seq FROM answer_log WHERE session_id = ? AND participant_number = ? AND kind IN ('answer', 'clear') ORDER BY client_seq",
            arguments: [session, participant])
        {
            let item: String = log["item_id"]
            let sequence: Int64 = log["client_seq"]
            guard sequence > seen[item, default: 0] else { continue }
            seen[item] = sequence
            answers[item] = log["option_id"]
        }
        let formation = FormationType(rawValue: row["formation_type"]) ?? .general
        // The paper from memory: when a room's time runs out, the sweeper finishes every
        // attempt in the writer, and decoding each paper there would hold every save.
        let paper = try papers.get(session: session, participant: participant) ?? Self.decodePaper(Self.paperRow(db, session: session, participant: participant))
        let sheet = try entry.scorer.score(paper, answers: answers, formationType: formation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "UPDATE candidate SET finished_at = ?, finish_reason = ?, score = ?, finish_problem = NULL WHERE session_id = ? AND participant_number = ?",
            arguments: [now, reason, String(decoding: try encoder.encode(sheet), as: UTF8.self), session, participant])
        try Self.audit(
            db, now, actor: reason == "candidate" ? participant : "sistem", "attempt-finish", session: session, participant: participant,
            details: "\(reason); total \(sheet.total)")
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
        guard let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                SELECT c.session_id, c.participant_number, c.name, c.formation_type, c.allowed_ms, c.extension_ms, c.started_at,
                       c.finished_at, c.score
                FROM candidate_token t JOIN candidate c ON c.session_id = t.session_id AND c.participant_number = t.participant_number
                WHERE t.token_hash = ? AND c.device = t.device
                """), arguments: [tokenHash])
        else { throw ExamNodeError.badToken }
        return row
    }

    /// A candidate's paper, read only when needed: the one large value of a candidate, it
    /// has its own table.
    static func paperRow(_ db: Database, session: String, participant: String) throws -> Row {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT paper FROM candidate_paper WHERE session_id = ? AND participant_number = ?", arguments: [session, participant])
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
            db, sql: "SELECT \(column) FROM current_answer WHERE session_id = ? AND participant_number = ? AND item_id = ?",
            arguments: [session, participant, item]) == sequence
    }

    static func summary(_ db: Database, id: String) throws -> SessionSummary {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM exam_session WHERE id = ?", arguments: [id]) else { throw ExamNodeError.unknownSession }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate WHERE session_id = ?", arguments: [id]) ?? 0
        return SessionSummary(
            id: id, venue: row["venue"], ruleSet: row["rule_set_id"], scheduledStart: row["scheduled_start"], pin: row["pin"],
            state: row["state"], paused: try openPause(db, session: id) != nil, candidates: count)
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
        _ db: Database, _ now: Int64, actor: String, _ action: String, session: String? = nil, participant: String? = nil, details: String = ""
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at_ms, actor, action, session_id, participant_number, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [now, actor, action, session, participant, details])
    }

    private func transition(
        _ id: String, actor: String, action: String, participant: String? = nil, details: String = "",
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

    static func digest(_ token: String) -> String { SecretToken.digest(token) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }

}

/// Something derived from a candidate's paper (its item ids, its rendered JSON), kept in
/// memory. A paper never changes once assembled, so entries never go stale; a closed
/// session's entries are dropped so a node that runs for days does not grow without end.
final class PaperCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: [String: Value]]>([:])

    func get(session: String, participant: String) -> Value? { entries.withLock { $0[session]?[participant] } }

    func set(session: String, participant: String, _ value: Value) {
        entries.withLock { $0[session, default: [:]][participant] = value }
    }

    func drop(session: String) { _ = entries.withLock { $0.removeValue(forKey: session) } }
}

/// Which candidate each token hash belongs to. A token never changes owner (a device
/// reset only ends it, which the writer still checks), so entries never go stale.
final class TokenOwners: Sendable {
    private let owners = Mutex<[String: (session: String, participant: String)]>([:])

    func get(_ tokenHash: String) -> (session: String, participant: String)? { owners.withLock { $0[tokenHash] } }

    func set(_ tokenHash: String, session: String, participant: String) { owners.withLock { $0[tokenHash] = (session, participant) } }

    func drop(session: String) { owners.withLock { $0 = $0.filter { $0.value.session != session } } }
}
