import ExamEngine
public import Foundation
import SeleksiAuth
public import SeleksiCore

/// What importing a roster package did, per session.
public struct RosterImportResult: Sendable, Hashable, Codable {
    public let version: Int
    public let created: [String]
    public let replaced: [String]
    public let unchanged: [String]
}

/// Importing the portal's signed roster package: the sessions it names are created, or
/// their roster replaced until they open; the same version again changes nothing. A
/// participant sits in one session of the node only. Everything is checked before
/// anything is written; then each session is loaded in batches beside the running
/// sessions' saves, and cannot be opened until its last batch is in (a load cut short
/// leaves it loading: importing the package again completes it). One import at a time.
extension ExamService {
    public func importRosterPackage(_ data: Data, actor: String) async throws -> RosterImportResult {
        guard importing.begin() else {
            throw ExamNodeError("import-busy", kind: .conflict, "Paket daftar peserta lain sedang dimuat di node ini; coba lagi setelah selesai.")
        }
        defer { importing.end() }
        guard let portalKey = settings.portalPublicKey else {
            throw ExamNodeError(
                "no-portal-key",
                kind: .conflict,
                "Node ini belum dikonfigurasi dengan kunci publik portal (portal_public_key); paket daftar peserta tidak dapat diperiksa."
            )
        }
        let package: RosterPackage
        do {
            let envelope = try SignedEnvelope.decode(data, maximumBytes: settings.maxPackageBytes)
            let payload = try envelope.open(kind: RosterPackage.kind, trusted: [portalKey])
            package = try JSONDecoder().decode(RosterPackage.self, from: payload)
        } catch let error as EnvelopeError {
            throw ExamNodeError("invalid-package", kind: error == .tooLarge(settings.maxPackageBytes) ? .tooLarge : .invalid, "Paket ditolak: \(error).")
        } catch {
            throw ExamNodeError("invalid-package", kind: .invalid, "Paket ditolak: isinya bukan daftar peserta yang dikenal node ini.")
        }
        guard package.nodeKeyID == settings.ownKeyID else {
            throw ExamNodeError(
                "wrong-node",
                kind: .conflict,
                "Paket ini dibuat untuk node \(EnvelopeError.shown(package.nodeID)), bukan node ini (kunci \(settings.ownKeyID ?? "-")); muat paket node ini."
            )
        }
        guard package.version >= 1, !package.sessions.isEmpty, Set(package.sessions.map(\.id)).count == package.sessions.count else {
            throw ExamNodeError("invalid-package", kind: .invalid, "Paket ditolak: versi atau daftar sesinya tidak sah.")
        }
        // A participant is in one session of the package, or in several only as re-sits,
        // each replacing another of their sessions.
        var places: [String: [(session: String, resitOf: String?)]] = [:]
        for session in package.sessions {
            for participant in session.participants { places[participant.participantNumber, default: []].append((session.id, participant.resitOf)) }
        }
        for (number, entries) in places.sorted(by: { $0.key < $1.key }) where entries.count > 1 {
            let sessions = Set(entries.map(\.session))
            let resits = entries.compactMap(\.resitOf)
            guard sessions.count == entries.count, resits.count == entries.count - 1, Set(resits).count == resits.count,
                resits.allSatisfy(sessions.contains)
            else {
                throw ExamNodeError(
                    "participant-twice",
                    kind: .invalid,
                    "Paket ditolak: peserta \(number) ada di sesi \(entries.map(\.session).joined(separator: " dan ")) tanpa keputusan ujian ulang."
                )
            }
        }
        // Read beside the writer (saves go on): each session's state and roster, and
        // whether a participant already sits in a session this package does not name.
        // Only imports place participants, and one runs at a time, so this stays true.
        let incoming = Set(package.sessions.map(\.id))
        let current = try await store.read { tx in
            try package.sessions.map { session in
                let elsewhere = try session.participants.lazy.compactMap { participant in
                    try tx.sessions(ofParticipant: participant.participantNumber).first { !incoming.contains($0) && $0 != participant.resitOf }
                        .map { (participant.participantNumber, $0) }
                }.first
                // A re-sit waits until the attempt it replaces can no longer go on.
                let running = try session.participants.first { participant in
                    try participant.resitOf.map { try tx.attemptCanContinue(session: $0, participant: participant.participantNumber) } ?? false
                }.map { ($0.participantNumber, $0.resitOf ?? "") }
                return (
                    state: try tx.sessionState(session.id), roster: try tx.rosterVersion(session: session.id), elsewhere: elsewhere, running: running
                )
            }
        }
        // What to do with each session, decided here; the state is checked again as each one is written.
        var load: [(session: RosterPackage.Session, entry: ExamCatalog.Entry, minutes: [Int])] = []
        var unchanged: [String] = []
        for (session, existing) in zip(package.sessions, current) {
            let digest = Self.rosterDigest(session)
            if let roster = existing.roster {
                if package.version < roster.version { throw Self.stale(package.version, loaded: roster.version, session: session.id) }
                if roster.digest == digest, existing.state != "loading" {
                    unchanged.append(session.id)
                    continue
                }
            } else if existing.state != nil, existing.state != "loading" {
                throw ExamNodeError("session-exists", kind: .conflict, "Sesi \(session.id) sudah ada di node ini dan tidak berasal dari paket portal.")
            }
            if let state = existing.state, state != "created", state != "loading" {
                throw ExamNodeError(
                    "session-already-open",
                    kind: .conflict,
                    "Sesi \(session.id) sudah dibuka: daftar pesertanya tidak dapat diganti lagi (paket versi \(package.version) ditolak seluruhnya)."
                )
            }
            if let (participant, other) = existing.running {
                throw ExamNodeError(
                    "resit-attempt-running",
                    kind: .conflict,
                    "Peserta \(participant) masih dapat mengerjakan ujian di sesi \(other); ujian ulangnya baru dapat dimuat setelah sesi itu ditutup atau ujiannya selesai."
                )
            }
            if let (participant, other) = existing.elsewhere {
                throw ExamNodeError(
                    "participant-in-other-session",
                    kind: .conflict,
                    "Peserta \(participant) sudah terdaftar di sesi \(other) di node ini; satu peserta hanya di satu sesi."
                )
            }
            let entry = try catalog.entry(session.ruleSetID)
            let minutes = try session.participants.map { participant in
                do {
                    return try entry.ruleSet.durationMinutes(for: participant.formationType, accommodations: participant.accommodations)
                } catch {
                    throw ExamNodeError("invalid-package", kind: .invalid, "Paket ditolak: peserta \(participant.participantNumber): \(error).")
                }
            }
            load.append((session, entry, minutes))
        }
        let version = package.version
        let (period, nodeID) = (package.periodID, package.nodeID)
        let proctor = try await store.read { tx in try tx.proctor(username: actor) }
        // A proctor set to a venue imports that venue's sessions only; an importing proctor watches what they created.
        if let own = proctor?.venue, let other = package.sessions.first(where: { $0.venue != own }) {
            throw ExamNodeError("wrong-venue", kind: .forbidden, "Anda pengawas di \(own); paket ini memuat sesi di \(other.venue).")
        }
        var created: [String] = []
        var replaced: [String] = []
        for (session, entry, minutes) in load {
            if try await begin(session, version: version, actor: proctor == nil ? nil : actor) {
                created.append(session.id)
            } else {
                replaced.append(session.id)
            }
            try await loadCandidates(session, entry, minutes: minutes, version: version)
            let digest = Self.rosterDigest(session)
            let now = clock.nowMilliseconds()
            try await store.write { tx in
                try tx.setRosterVersion(session: session.id, version: version, digest: digest, periodID: period, nodeID: nodeID)
                try Self.audit(tx, now, actor: actor, "roster-import", session: session.id, details: "versi \(version), \(session.participants.count) peserta")
            }
        }
        if !unchanged.isEmpty {
            try await store.write { [unchanged] tx in
                for id in unchanged {
                    let digest = try tx.rosterVersion(session: id)?.digest ?? ""
                    try tx.setRosterVersion(session: id, version: version, digest: digest, periodID: period, nodeID: nodeID)
                }
            }
        }
        MemoryRelease.returnFreedPages()
        return RosterImportResult(version: version, created: created, replaced: replaced, unchanged: unchanged)
    }

    /// Makes the session (or empties its roster, before it opens) and marks its roster as
    /// loading: it cannot be opened until the last batch is in. True for a new session.
    private func begin(_ session: RosterPackage.Session, version: Int, actor proctor: String?) async throws -> Bool {
        papers.drop(session: session.id)
        paperItems.drop(session: session.id)
        let now = clock.nowMilliseconds()
        return try await store.write { tx in
            if let roster = try tx.rosterVersion(session: session.id), roster.version > version {
                throw Self.stale(version, loaded: roster.version, session: session.id)
            }
            switch try tx.sessionState(session.id) {
            case nil:
                let pin = String(format: "%06d", Int.random(in: 0..<1_000_000))
                try tx.insertSession(
                    id: session.id,
                    venue: session.venue,
                    ruleSetID: session.ruleSetID,
                    scheduledStart: session.scheduledStart,
                    pin: pin,
                    createdAt: now
                )
                if let proctor { try tx.assignProctor(username: proctor, session: session.id) }
                try tx.markRosterLoading(session: session.id, version: version)
                return true
            case "created", "loading":
                try tx.replanSession(id: session.id, venue: session.venue, ruleSetID: session.ruleSetID, scheduledStart: session.scheduledStart)
                try tx.deleteCandidates(session: session.id)
                try tx.markRosterLoading(session: session.id, version: version)
                return false
            default:
                throw ExamNodeError("session-already-open", kind: .conflict, "Sesi \(session.id) baru saja dibuka: paket ditolak.")
            }
        }
    }

    /// The roster a batch at a time: each batch's papers are assembled outside the
    /// writer, then written in one short transaction, so the saves of a running session
    /// wait for one batch at most.
    private func loadCandidates(_ session: RosterPackage.Session, _ entry: ExamCatalog.Entry, minutes: [Int], version: Int) async throws {
        var run = PaperAssembler.SessionRun(entry.assembler)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let batch = max(1, settings.rosterBatch)
        for start in stride(from: 0, to: session.participants.count, by: batch) {
            let range = start..<min(start + batch, session.participants.count)
            let participants = session.participants[range]
            let papers = run.papers(seeds: participants.map { Self.seed(session: session.id, participant: $0.participantNumber) })
            let rows = try zip(participants, zip(papers, minutes[range])).map { participant, paired in
                let (paper, minutes) = paired
                let entry = RosterEntry(
                    participantNumber: participant.participantNumber,
                    name: participant.name,
                    formationType: participant.formationType,
                    accessCodeDigest: participant.accessCodeDigest,
                    accommodations: participant.accommodations
                )
                return (entry, Int64(minutes) * 60_000, String(decoding: try encoder.encode(paper), as: UTF8.self), paper.fingerprint)
            }
            try await store.write { tx in
                guard try tx.rosterLoading(session: session.id) == version else {
                    throw ExamNodeError("roster-load-interrupted", kind: .conflict, "Pemuatan daftar peserta sesi \(session.id) terputus; muat paketnya lagi.")
                }
                for (candidate, allowed, paper, fingerprint) in rows {
                    try tx.insertCandidate(session: session.id, candidate, allowedMilliseconds: allowed, paper: paper, fingerprint: fingerprint)
                }
            }
            for (participant, paper) in zip(participants, papers) {
                self.papers.set(session: session.id, participant: participant.participantNumber, paper)
                paperItems.set(session: session.id, participant: participant.participantNumber, Set(paper.items.map(\.itemID)))
            }
            await Task.yield()
        }
    }

    static func stale(_ version: Int, loaded: Int, session: String) -> ExamNodeError {
        ExamNodeError("stale-package", kind: .conflict, "Paket versi \(version) lebih lama dari versi \(loaded) yang sudah dimuat untuk sesi \(session).")
    }

    /// What a session's roster is, for telling an unchanged one from a changed one.
    static func rosterDigest(_ session: RosterPackage.Session) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return SecretToken.digest(String(decoding: (try? encoder.encode(session)) ?? Data(), as: UTF8.self))
    }
}
