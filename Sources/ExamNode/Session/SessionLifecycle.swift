import Crypto
import ExamEngine
import Foundation
import SeleksiAuth
import SeleksiCore
import Synchronization

/// A session's life as proctors run it, once the portal's roster package has made it
/// (`RosterImport`): open, pause and resume (a power cut), extend, disqualify, close
/// (everyone still working is finished; whoever never started is absent), and what the
/// proctor sees of it.
extension ExamService {
    public func sessions() async throws -> [SessionSummary] {
        try await store.read { tx in try tx.sessionIDs(visibleTo: nil).map { try Self.summary(tx, id: $0) } }
    }

    public func session(_ id: String) async throws -> SessionSummary {
        try await store.read { tx in try Self.summary(tx, id: id) }
    }

    public func openSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-open") { tx, state, now in
            guard state == "created" else { throw ExamNodeError.wrongState }
            guard try tx.candidateCount(session: id) > 0 else { throw ExamNodeError.invalid("Muat daftar peserta sebelum membuka sesi.") }
            try tx.markSessionOpen(id, at: now)
        }
    }

    /// Stops every candidate's clock (a power cut in the room).
    public func pauseSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-pause") { tx, state, now in
            guard state == "open", try tx.openPause(session: id) == nil else { throw ExamNodeError.wrongState }
            try tx.startPause(session: id, at: now)
        }
    }

    public func resumeSession(_ id: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "session-resume") { tx, state, now in
            guard state == "open", let pause = try tx.openPause(session: id) else { throw ExamNodeError.wrongState }
            try tx.endPause(pause, at: now)
        }
    }

    /// Closes the session: every attempt still running is finished and scored.
    public func closeSession(_ id: String, actor: String) async throws {
        let service = self
        try await transition(id, actor: actor, action: "session-close") { tx, state, now in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            if let pause = try tx.openPause(session: id) { try tx.endPause(pause, at: now) }
            let running = try tx.unfinishedParticipants(session: id, started: true)
            // Each on its own: one that cannot be scored is shown to the proctor, and the others finish.
            for number in running { try service.finishIsolated(tx, session: id, participant: number, reason: "proctor-close", now: now) }
            // Who never started is absent (TH): no score, not a fail.
            for number in try tx.unfinishedParticipants(session: id, started: false) {
                try tx.markAbsent(session: id, participant: number, at: now)
                try Self.audit(tx, now, actor: actor, "attempt-absent", session: id, participant: number)
            }
            try tx.markSessionClosed(id, at: now)
        }
        paperItems.drop(session: id)
        papers.drop(session: id)
        MemoryRelease.returnFreedPages()
        tokenOwners.drop(session: id)
        // Made now for the portal; a session whose roster was typed by hand has none, and
        // one left unfinished gets it once the rest finishes (`resultsPackage` makes it then).
        _ = try? await resultsPackage(session: id)
    }

    /// Ends a candidate's attempt for cheating or misconduct: what they answered is scored
    /// and kept, the result reported is DIS with the reason, and their device is signed out.
    public func disqualify(_ id: String, participant: String, reason: String, actor: String) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...500).contains(reason.count) else { throw ExamNodeError.invalid("Tuliskan alasan diskualifikasi (3 sampai 500 karakter).") }
        let service = self
        try await transition(id, actor: actor, action: "candidate-disqualify", participant: participant, details: reason) { tx, state, now in
            guard state == "open" else { throw ExamNodeError.wrongState }
            guard try tx.extensionGiven(session: id, participant: participant) != nil else { throw ExamNodeError.unknownCandidate }
            // Scored if it can be (one that cannot is disqualified all the same, without a score).
            if try tx.unfinishedParticipants(session: id, started: true).contains(participant) {
                _ = try service.finishIsolated(tx, session: id, participant: participant, reason: "disqualified", now: now)
            }
            try tx.disqualify(session: id, participant: participant, at: now, reason: reason)
            try tx.endCandidateTokens(session: id, participant: participant)
        }
    }

    public func extendSession(_ id: String, minutes: Int, actor: String) async throws {
        guard (1...120).contains(minutes) else { throw ExamNodeError.invalid("Tambahan waktu harus 1 sampai 120 menit.") }
        let cap = settings.maxExtensionMilliseconds
        try await transition(id, actor: actor, action: "session-extend", details: "\(minutes) menit") { tx, state, _ in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            // Every candidate gets it: the one with most time added already sets the limit.
            let most = try tx.largestExtension(session: id)
            guard most + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: most / 60_000, capMinutes: cap / 60_000) }
            try tx.extendSession(id, byMilliseconds: Int64(minutes) * 60_000)
        }
    }

    public func extendCandidate(_ id: String, participant: String, minutes: Int, actor: String) async throws {
        guard (1...120).contains(minutes) else { throw ExamNodeError.invalid("Tambahan waktu harus 1 sampai 120 menit.") }
        let cap = settings.maxExtensionMilliseconds
        try await transition(id, actor: actor, action: "candidate-extend", participant: participant, details: "\(minutes) menit") { tx, state, _ in
            guard state != "closed" else { throw ExamNodeError.wrongState }
            guard let given = try tx.extensionGiven(session: id, participant: participant) else { throw ExamNodeError.unknownCandidate }
            guard !given.finished else { throw ExamNodeError.alreadyFinished }
            let added = given.added
            guard added + Int64(minutes) * 60_000 <= cap else { throw ExamNodeError.extensionCap(usedMinutes: added / 60_000, capMinutes: cap / 60_000) }
            try tx.extendCandidate(session: id, participant: participant, byMilliseconds: Int64(minutes) * 60_000)
        }
    }

    /// Frees a candidate to log in from another device (theirs broke); old tokens stop working.
    public func resetDevice(_ id: String, participant: String, actor: String) async throws {
        try await transition(id, actor: actor, action: "candidate-reset-device", participant: participant) { tx, _, _ in
            guard try tx.releaseDevice(session: id, participant: participant) else { throw ExamNodeError.unknownCandidate }
            try tx.endCandidateTokens(session: id, participant: participant)
        }
    }

    public func candidates(_ id: String) async throws -> [CandidateStatus] {
        let now = clock.nowMilliseconds()
        return try await store.read { tx in
            guard let session = try tx.session(id) else { throw ExamNodeError.unknownSession }
            let stopped = try tx.stoppedIntervals(session: id)
            return try tx.candidates(session: id).map { candidate in
                let attempt = candidate.attempt
                let number = attempt.participant
                // An unreadable paper (its problem is shown) must not hide the whole room.
                let itemCount =
                    try paperItems.get(session: id, participant: number)?.count
                    ?? (try? Self.decodePaper(Self.storedPaper(tx, session: id, participant: number)))?.itemCount ?? 0
                let answered = try tx.answeredCount(session: id, participant: number)
                let timing = Self.timing(attempt, session: session, stopped: stopped)
                let score = attempt.score
                return CandidateStatus(
                    participantNumber: number,
                    name: attempt.name,
                    formationType: attempt.formationType,
                    loggedIn: candidate.device != nil,
                    started: timing != nil,
                    answered: answered,
                    items: itemCount,
                    secondsLeft: attempt.finishedAt != nil ? 0 : (timing.map { $0.remaining(at: now) } ?? attempt.allowedMilliseconds) / 1000,
                    finished: attempt.finishedAt != nil,
                    absent: candidate.finishReason == "absent",
                    total: score?.total,
                    passed: score.map { $0.decision.passed },
                    problem: candidate.finishProblem
                )
            }
        }
    }

    /// The audit log of one session (with the node's downtime credits, which concern every
    /// running session), or all of it.
    public func audit(session: String?) async throws -> [AuditEntry] {
        try await store.read { tx in try tx.auditEntries(session: session) }
    }
}
