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
/// participant sits in one session of the node only. All or nothing.
extension ExamService {
    public func importRosterPackage(_ data: Data, actor: String) async throws -> RosterImportResult {
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
        var seen: [String: String] = [:]
        for session in package.sessions {
            for participant in session.participants {
                if let other = seen[participant.participantNumber] {
                    throw ExamNodeError(
                        "participant-twice",
                        kind: .invalid,
                        "Paket ditolak: peserta \(participant.participantNumber) ada di sesi \(other) dan \(session.id)."
                    )
                }
                seen[participant.participantNumber] = session.id
            }
        }
        let current = try await store.read { tx in
            try package.sessions.map { session in (state: try tx.sessionState(session.id), roster: try tx.rosterVersion(session: session.id)) }
        }
        // What to do with each session, decided once here and checked again in the transaction.
        var load: [(RosterPackage.Session, [PreparedCandidate])] = []
        var unchanged: [String] = []
        for (session, existing) in zip(package.sessions, current) {
            let digest = Self.rosterDigest(session)
            if let roster = existing.roster {
                if package.version < roster.version { throw Self.stale(package.version, loaded: roster.version, session: session.id) }
                if roster.digest == digest {
                    unchanged.append(session.id)
                    continue
                }
            } else if existing.state != nil {
                throw ExamNodeError("session-exists", kind: .conflict, "Sesi \(session.id) sudah ada di node ini dan tidak berasal dari paket portal.")
            }
            if let state = existing.state, state != "created" {
                throw ExamNodeError(
                    "session-already-open",
                    kind: .conflict,
                    "Sesi \(session.id) sudah dibuka: daftar pesertanya tidak dapat diganti lagi (paket versi \(package.version) ditolak seluruhnya)."
                )
            }
            let entry = try catalog.entry(session.ruleSetID)
            let roster = session.participants.map {
                RosterEntry(
                    participantNumber: $0.participantNumber,
                    name: $0.name,
                    formationType: $0.formationType,
                    accessCodeDigest: $0.accessCodeDigest,
                    accommodations: $0.accommodations
                )
            }
            do {
                load.append((session, try Self.prepare(roster, session: session.id, entry)))
            } catch let error as ExamNodeError {
                throw ExamNodeError("invalid-package", kind: .invalid, "Paket ditolak: \(error.message)")
            }
        }
        let now = clock.nowMilliseconds()
        let toLoad = load.map { ($0.0, $0.1.map { ($0.entry, $0.allowedMilliseconds, $0.paperJSON, $0.paper.fingerprint) }) }
        let version = package.version
        let sessions = package.sessions
        let (period, nodeID) = (package.periodID, package.nodeID)
        let (created, replaced) = try await store.write { [toLoad, unchanged] tx in
            let incoming = Set(sessions.map(\.id))
            // A proctor set to a venue imports that venue's sessions only; an importing proctor watches what they created.
            let proctor = try tx.proctor(username: actor)
            if let own = proctor?.venue, let other = sessions.first(where: { $0.venue != own }) {
                throw ExamNodeError("wrong-venue", kind: .forbidden, "Anda pengawas di \(own); paket ini memuat sesi di \(other.venue).")
            }
            var created: [String] = []
            var replaced: [String] = []
            // Checked again here: another import may have committed since the read above.
            for session in sessions {
                if let roster = try tx.rosterVersion(session: session.id), roster.version > version {
                    throw Self.stale(version, loaded: roster.version, session: session.id)
                }
            }
            for (session, rows) in toLoad {
                // One session per participant on this node, unless this package moves them.
                for (candidate, _, _, _) in rows {
                    if let other = try tx.sessions(ofParticipant: candidate.participantNumber).first(where: { !incoming.contains($0) }) {
                        throw ExamNodeError(
                            "participant-in-other-session",
                            kind: .conflict,
                            "Peserta \(candidate.participantNumber) sudah terdaftar di sesi \(other) di node ini; satu peserta hanya di satu sesi."
                        )
                    }
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
                    if proctor != nil { try tx.assignProctor(username: actor, session: session.id) }
                    created.append(session.id)
                case "created":
                    try tx.replanSession(id: session.id, venue: session.venue, ruleSetID: session.ruleSetID, scheduledStart: session.scheduledStart)
                    try tx.deleteCandidates(session: session.id)
                    replaced.append(session.id)
                default:
                    throw ExamNodeError("session-already-open", kind: .conflict, "Sesi \(session.id) baru saja dibuka: paket ditolak seluruhnya.")
                }
                for (candidate, allowed, paper, fingerprint) in rows {
                    try tx.insertCandidate(session: session.id, candidate, allowedMilliseconds: allowed, paper: paper, fingerprint: fingerprint)
                }
                try tx.setRosterVersion(session: session.id, version: version, digest: Self.rosterDigest(session), periodID: period, nodeID: nodeID)
                try Self.audit(tx, now, actor: actor, "roster-import", session: session.id, details: "versi \(version), \(rows.count) peserta")
            }
            for id in unchanged {
                let digest = try tx.rosterVersion(session: id)?.digest ?? ""
                try tx.setRosterVersion(session: id, version: version, digest: digest, periodID: period, nodeID: nodeID)
            }
            return (created, replaced)
        }
        for (session, rows) in load {
            for row in rows {
                self.papers.set(session: session.id, participant: row.entry.participantNumber, row.paper)
                paperItems.set(session: session.id, participant: row.entry.participantNumber, Set(row.paper.items.map(\.itemID)))
            }
        }
        return RosterImportResult(version: version, created: created, replaced: replaced, unchanged: unchanged)
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
