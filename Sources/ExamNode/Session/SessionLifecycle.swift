import Crypto
import ExamEngine
import Foundation
import GRDB
import SeleksiAuth
import SeleksiCore
import SeleksiStorage
import Synchronization

/// A session's life as proctors run it: create, load the roster (papers assembled then),
/// open, pause and resume (a power cut), extend, close (everyone still working is
/// finished; whoever never started is absent), and what the proctor sees of it.
extension ExamService {
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
                arguments: [id, venue, ruleSetID, scheduledStart, pin, now]
            )
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
                    ]
                )
                try db.execute(
                    sql: "INSERT INTO candidate_paper (session_id, participant_number, paper) VALUES (?, ?, ?)",
                    arguments: [sessionID, candidate.participantNumber, paper]
                )
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
                db,
                sql: "SELECT participant_number FROM candidate WHERE session_id = ? AND finished_at IS NULL AND started_at IS NOT NULL",
                arguments: [id]
            )
            // Each on its own: one that cannot be scored is shown to the proctor, and the others finish.
            for number in running { try service.finishIsolated(db, session: id, participant: number, reason: "proctor-close", now: now) }
            // Who never started is absent (TH): no score, not a fail.
            let absent = try String.fetchAll(
                db,
                sql: "SELECT participant_number FROM candidate WHERE session_id = ? AND finished_at IS NULL AND started_at IS NULL",
                arguments: [id]
            )
            for number in absent {
                try db.execute(
                    sql: "UPDATE candidate SET finished_at = ?, finish_reason = 'absent' WHERE session_id = ? AND participant_number = ?",
                    arguments: [now, id, number]
                )
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
            let most =
                try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT s.extension_ms + COALESCE(MAX(c.extension_ms), 0) FROM exam_session s LEFT JOIN candidate c ON c.session_id = s.id WHERE s.id = ?",
                    arguments: [id]
                ) ?? 0
            guard most + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: most / 60_000, capMinutes: cap / 60_000) }
            try db.execute(sql: "UPDATE exam_session SET extension_ms = extension_ms + ? WHERE id = ?", arguments: [minutes * 60_000, id])
        }
    }

    public func extendCandidate(_ id: String, participant: String, minutes: Int, actor: String) async throws {
        guard (1...120).contains(minutes) else { throw ExamNodeError.invalid("Tambahan waktu harus 1 sampai 120 menit.") }
        let cap = settings.maxExtensionMilliseconds
        try await transition(id, actor: actor, action: "candidate-extend", participant: participant, details: "\(minutes) menit") { db, state, _ in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT c.finished_at, c.extension_ms + s.extension_ms AS added FROM candidate c JOIN exam_session s ON s.id = c.session_id
                        WHERE c.session_id = ? AND c.participant_number = ?
                        """,
                    arguments: [id, participant]
                )
            else { throw ExamNodeError.unknownCandidate }
            guard (row["finished_at"] as Int64?) == nil else { throw ExamNodeError.alreadyFinished }
            let added: Int64 = row["added"]
            guard added + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: added / 60_000, capMinutes: cap / 60_000) }
            try db.execute(
                sql: "UPDATE candidate SET extension_ms = extension_ms + ? WHERE session_id = ? AND participant_number = ?",
                arguments: [minutes * 60_000, id, participant]
            )
        }
    }

    /// Frees a candidate to log in from another device (theirs broke); old tokens stop working.
    public func resetDevice(_ id: String, participant: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "candidate-reset-device", participant: participant) { db, _, _ in
            try db.execute(
                sql: "UPDATE candidate SET device = NULL, failed_logins = 0, locked_until = NULL WHERE session_id = ? AND participant_number = ?",
                arguments: [id, participant]
            )
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
                    """,
                arguments: [id]
            ).map { row in
                let number: String = row["participant_number"]
                // An unreadable paper (its problem is shown) must not hide the whole room.
                let itemCount =
                    try paperItems.get(session: id, participant: number)?.count
                    ?? (try? Self.decodePaper(Self.paperRow(db, session: id, participant: number)))?.itemCount ?? 0
                let answered =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM current_answer WHERE session_id = ? AND participant_number = ? AND option_id IS NOT NULL",
                        arguments: [id, number]
                    ) ?? 0
                let timing = Self.timing(row, session: session, stopped: stopped)
                let score = (row["score"] as String?).flatMap { try? JSONDecoder().decode(ScoreSheet.self, from: Data($0.utf8)) }
                let allowed: Int64 = row["allowed_ms"]
                return CandidateStatus(
                    participantNumber: number,
                    name: row["name"],
                    formationType: row["formation_type"],
                    loggedIn: (row["device"] as String?) != nil,
                    started: timing != nil,
                    answered: answered,
                    items: itemCount,
                    secondsLeft: (row["finished_at"] as Int64?) != nil ? 0 : (timing.map { $0.remaining(at: now) } ?? allowed) / 1000,
                    finished: (row["finished_at"] as Int64?) != nil,
                    absent: (row["finish_reason"] as String?) == "absent",
                    total: score?.total,
                    passed: score.map { $0.decision.passed },
                    problem: row["finish_problem"]
                )
            }
        }
    }

    /// The audit log of one session (with the node's downtime credits, which concern every
    /// running session), or all of it.
    public func audit(session: String?) async throws -> [AuditEntry] {
        try await writer.read { db in
            let rows =
                try session.map {
                    try Row.fetchAll(
                        db,
                        sql: "SELECT * FROM audit_log WHERE session_id = ? OR (session_id IS NULL AND action = 'node-downtime-credit') ORDER BY id",
                        arguments: [$0]
                    )
                } ?? Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            return rows.map {
                AuditEntry(
                    at: $0["at_ms"],
                    actor: $0["actor"],
                    action: $0["action"],
                    sessionID: $0["session_id"],
                    participantNumber: $0["participant_number"],
                    details: $0["details"]
                )
            }
        }
    }
}
