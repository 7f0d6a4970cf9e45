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
    /// Sessions the package could not change (already open, a participant in another
    /// session, a re-sit whose first attempt can still go on): each keeps what it had.
    public let refused: [String: SessionRefusal]
}

/// Why one session of a package was not loaded.
public struct SessionRefusal: Sendable, Hashable, Codable {
    public let code: String
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Importing the portal's signed roster package: the sessions it names are created, or
/// their roster replaced until they open; the same version again changes nothing. A
/// participant sits in one session of the node only. Everything is checked before
/// anything is written: a package that is not the portal's, not for this node, older than
/// what is loaded or malformed is refused whole; a session it cannot change (already
/// open, a conflict) keeps what it has and is named in `refused`, and the others load.
/// Each is loaded in batches beside the running sessions' saves, and cannot be opened
/// until its last batch is in (a load cut short leaves it loading: importing the package
/// again completes it). One import at a time.
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
        // Checking the signature, reading the package and the digest of each session's
        // roster are the processor-heavy part of the checks: off the pool, like the papers.
        let maximumBytes = settings.maxPackageBytes
        let (package, digests): (RosterPackage, [String: String])
        do {
            (package, digests) = try await BackgroundWork.run {
                let envelope = try SignedEnvelope.decode(data, maximumBytes: maximumBytes)
                let payload = try envelope.open(kind: RosterPackage.kind, trusted: [portalKey])
                let package = try JSONDecoder().decode(RosterPackage.self, from: payload)
                return (package, Dictionary(package.sessions.map { ($0.id, Self.rosterDigest($0)) }, uniquingKeysWith: { first, _ in first }))
            }
        } catch let error as EnvelopeError {
            throw ExamNodeError("invalid-package", kind: error == .tooLarge(maximumBytes) ? .tooLarge : .invalid, "Paket ditolak: \(error).")
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
        let (current, memberships, newest) = try await store.read { tx in
            // The sessions of this node each participant is in now.
            var memberships: [String: [String]] = [:]
            for session in package.sessions {
                for participant in session.participants {
                    memberships[participant.participantNumber] = try tx.sessions(ofParticipant: participant.participantNumber)
                }
            }
            let current = try package.sessions.map { session in
                // A re-sit waits until the attempt it replaces can no longer go on: that
                // session is closed here or their attempt in it ended; one this package
                // brings in has not even begun.
                let running = try session.participants.first { participant in
                    guard let replaced = participant.resitOf else { return false }
                    guard try tx.sessionState(replaced) != nil else { return incoming.contains(replaced) }
                    return try tx.attemptCanContinue(session: replaced, participant: participant.participantNumber)
                }.map { ($0.participantNumber, $0.resitOf ?? "") }
                return (
                    state: try tx.sessionState(session.id), roster: try tx.rosterVersion(session: session.id),
                    loading: try tx.rosterLoading(session: session.id), running: running
                )
            }
            return (current, memberships, try tx.newestRoster())
        }
        // Versions count within a period. A package of another period made before the
        // newest one loaded here is an old one (a stick from an earlier round): refused whole.
        if let newest, newest.periodID != package.periodID, package.createdAt <= newest.createdAt {
            throw ExamNodeError(
                "earlier-period-package",
                kind: .conflict,
                "Paket ini untuk periode \(EnvelopeError.shown(package.periodID)), dibuat sebelum paket periode \(EnvelopeError.shown(newest.periodID)) yang sudah dimuat di node ini; muat paket terbaru dari portal."
            )
        }
        // What to do with each session. A session this package cannot change (open, or a
        // conflict) keeps what it has, named with the reason; the others still load.
        var load: [(session: RosterPackage.Session, entry: ExamCatalog.Entry, minutes: [Int])] = []
        var unchanged: [String] = []
        var refused: [String: SessionRefusal] = [:]
        for (session, existing) in zip(package.sessions, current) {
            // A roster of another period (the same slot code a round later) is not an older version of this one.
            let samePeriod = existing.roster.map { $0.periodID == nil || $0.periodID == package.periodID } ?? true
            let loaded = samePeriod ? max(existing.roster?.version ?? 0, existing.loading ?? 0) : 0
            if package.version < loaded { throw Self.stale(package.version, loaded: loaded, session: session.id) }
            if samePeriod, let roster = existing.roster, roster.digest == digests[session.id], existing.state != "loading" {
                unchanged.append(session.id)
                continue
            }
            if existing.roster == nil, let state = existing.state, state != "loading" {
                refused[session.id] = SessionRefusal("session-exists", "Sesi \(session.id) sudah ada di node ini dan tidak berasal dari paket portal.")
                continue
            }
            if !samePeriod, let state = existing.state, state != "created", state != "loading" {
                refused[session.id] = SessionRefusal(
                    "session-of-other-period",
                    "Sesi \(session.id) di node ini milik periode \(EnvelopeError.shown(existing.roster?.periodID ?? "-")) dan sudah dibuka; sesi periode \(EnvelopeError.shown(package.periodID)) dengan kode yang sama tidak dapat dimuat."
                )
                continue
            }
            if let state = existing.state, state != "created", state != "loading" {
                refused[session.id] = Self.alreadyOpen(session.id, version: package.version, loaded: existing.roster?.version)
                continue
            }
            if let (participant, other) = existing.running {
                refused[session.id] = SessionRefusal(
                    "resit-attempt-running",
                    "Peserta \(participant) masih dapat mengerjakan ujian di sesi \(other); sesi \(session.id) dengan ujian ulangnya dimuat setelah sesi itu ditutup atau ujiannya selesai."
                )
                continue
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
        // One session per participant: a session that would seat someone who stays in
        // another one (not in this package, or kept as it is) is kept too, until none does.
        var settled = false
        while !settled {
            settled = true
            for (session, _, _) in load where refused[session.id] == nil {
                let kept = { (other: String) in other != session.id && (!incoming.contains(other) || refused[other] != nil) }
                for participant in session.participants {
                    guard let other = memberships[participant.participantNumber]?.first(where: { kept($0) && $0 != participant.resitOf }) else { continue }
                    refused[session.id] = SessionRefusal(
                        "participant-in-other-session",
                        "Peserta \(participant.participantNumber) sudah terdaftar di sesi \(other) di node ini; satu peserta hanya di satu sesi, jadi sesi \(session.id) tidak dimuat."
                    )
                    settled = false
                    break
                }
            }
        }
        load.removeAll { refused[$0.session.id] != nil }
        let version = package.version
        let (period, nodeID, createdAt) = (package.periodID, package.nodeID, package.createdAt)
        let proctor = try await store.read { tx in try tx.proctor(username: actor) }
        // A proctor set to a venue imports that venue's sessions only; an importing proctor watches what they created.
        if let own = proctor?.venue, let other = package.sessions.first(where: { $0.venue != own }) {
            throw ExamNodeError("wrong-venue", kind: .forbidden, "Anda pengawas di \(own); paket ini memuat sesi di \(other.venue).")
        }
        // Every session to load is marked loading at once, before the first batch: none of them opens meanwhile.
        let begun = try await begin(load.map(\.session), version: version, actor: proctor == nil ? nil : actor)
        for (id, refusal) in begun.refused { refused[id] = refusal }
        for (session, entry, minutes) in load where begun.refused[session.id] == nil {
            try await loadCandidates(session, entry, minutes: minutes, version: version)
            let digest = digests[session.id] ?? Self.rosterDigest(session)
            let now = clock.nowMilliseconds()
            try await store.write { tx in
                try tx.setRosterVersion(session: session.id, version: version, digest: digest, periodID: period, nodeID: nodeID, createdAt: createdAt)
                try Self.audit(tx, now, actor: actor, "roster-import", session: session.id, details: "versi \(version), \(session.participants.count) peserta")
            }
        }
        let now = clock.nowMilliseconds()
        try await store.write { [unchanged, refused] tx in
            for id in unchanged {
                let digest = try tx.rosterVersion(session: id)?.digest ?? ""
                try tx.setRosterVersion(session: id, version: version, digest: digest, periodID: period, nodeID: nodeID, createdAt: createdAt)
            }
            for (id, refusal) in refused.sorted(by: { $0.key < $1.key }) where try tx.sessionState(id) != nil {
                try Self.audit(tx, now, actor: actor, "roster-import-refused", session: id, details: "versi \(version): \(refusal.code)")
            }
        }
        MemoryRelease.returnFreedPages()
        let loaded = load.map(\.session.id).filter { begun.refused[$0] == nil }
        // Nothing it brings could be loaded: the package is refused, with the first reason.
        if loaded.isEmpty, let first = refused.min(by: { $0.key < $1.key })?.value {
            let others = refused.count > 1 ? " (dan \(refused.count - 1) sesi lain)" : ""
            throw ExamNodeError(first.code, kind: .conflict, first.message + others)
        }
        return RosterImportResult(
            version: version,
            created: loaded.filter(begun.created.contains),
            replaced: loaded.filter { !begun.created.contains($0) },
            unchanged: unchanged,
            refused: refused
        )
    }

    static func alreadyOpen(_ id: String, version: Int, loaded: Int?) -> SessionRefusal {
        SessionRefusal(
            "session-already-open",
            "Sesi \(id) sudah dibuka: daftar pesertanya tetap seperti dimuat\(loaded.map { " (versi \($0))" } ?? ""); perubahan versi \(version) untuk sesi ini tidak dimuat."
        )
    }

    /// Makes each session (or empties its roster, before it opens) and marks its roster as
    /// loading, all in one transaction: none can be opened until its last batch is in. A
    /// session opened since the checks is left as it is, and named.
    private func begin(
        _ sessions: [RosterPackage.Session],
        version: Int,
        actor proctor: String?
    ) async throws -> (
        created: Set<String>, refused: [String: SessionRefusal]
    ) {
        for session in sessions {
            papers.drop(session: session.id)
            paperItems.drop(session: session.id)
        }
        let now = clock.nowMilliseconds()
        return try await store.write { tx in
            var created: Set<String> = []
            var refused: [String: SessionRefusal] = [:]
            for session in sessions {
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
                    created.insert(session.id)
                case "created", "loading":
                    try tx.replanSession(id: session.id, venue: session.venue, ruleSetID: session.ruleSetID, scheduledStart: session.scheduledStart)
                    try tx.deleteCandidates(session: session.id)
                default:
                    refused[session.id] = Self.alreadyOpen(session.id, version: version, loaded: try tx.rosterVersion(session: session.id)?.version)
                    continue
                }
                try tx.markRosterLoading(session: session.id, version: version)
            }
            return (created, refused)
        }
    }

    /// The roster a batch at a time: each batch's papers are assembled outside the
    /// writer, then written in one short transaction, so the saves of a running session
    /// wait for one batch at most. While a session is open the load also leaves the
    /// processor to the room: after each batch it rests `rosterLoadRest` times as long as
    /// the batch took.
    private func loadCandidates(_ session: RosterPackage.Session, _ entry: ExamCatalog.Entry, minutes: [Int], version: Int) async throws {
        let roomRunning = try await store.read { tx in try !tx.openSessions(only: nil).isEmpty }
        var run = PaperAssembler.SessionRun(entry.assembler)
        let batch = max(1, settings.rosterBatch)
        for start in stride(from: 0, to: session.participants.count, by: batch) {
            let began = ContinuousClock.now
            let range = start..<min(start + batch, session.participants.count)
            let participants = session.participants[range]
            let allowed = minutes[range]
            // The processor-heavy part (papers and their JSON) off the pool, at a lower priority.
            let (papers, rows, next) = try await BackgroundWork.run { [run] in
                var run = run
                let papers = run.papers(seeds: participants.map { Self.seed(session: session.id, participant: $0.participantNumber) })
                let rows = zip(participants, zip(papers, allowed)).map { participant, paired in
                    let (paper, minutes) = paired
                    let entry = RosterEntry(
                        participantNumber: participant.participantNumber,
                        name: participant.name,
                        formationType: participant.formationType,
                        accessCodeDigest: participant.accessCodeDigest,
                        accommodations: participant.accommodations
                    )
                    return (entry, Int64(minutes) * 60_000, paper.sortedJSON, paper.fingerprint)
                }
                return (papers, rows, run)
            }
            run = next
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
            if roomRunning, settings.rosterLoadRest > 0 {
                try await Task.sleep(for: (ContinuousClock.now - began) * settings.rosterLoadRest)
            } else {
                await Task.yield()
            }
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
