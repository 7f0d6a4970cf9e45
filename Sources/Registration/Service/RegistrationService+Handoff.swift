import ExamEngine
import Foundation
import SeleksiCore

/// The portal's side of the handoff: the access code on each exam card, and the signed
/// roster package of each registered node.
extension RegistrationService {
    /// The code printed on the exam card, the same every time it is shown.
    public func accessCode(participantNumber: String, periodID: String) -> String {
        AccessCode.derive(participantNumber: participantNumber, periodID: periodID, key: accessCodeKey)
    }

    /// The node's roster package: its venues' sessions with everyone seated in them, signed
    /// with the portal's key. A roster unchanged since the last version is that version
    /// again (the same bytes); a changed one is the next version. Audited as `roster.export`.
    /// - Parameter staff: the admin exporting it; nil for the command line on the server.
    public func rosterPackage(staff: StaffAccount?, nodeID: String) async throws -> StoredRosterPackage {
        if let staff { try requireAdmin(staff) }
        let period = try await period()
        let node = try await registeredNode(nodeID)
        let ruleSet = try examRuleSet()
        let venues = Set(node.venues)
        let seated = Dictionary(grouping: try await store.seatedParticipants(periodID: period.id), by: \.slotID)
        let latest = try await store.latestRosterPackage(periodID: period.id, nodeID: nodeID)
        // A session whose roster is fixed (it may be open at the venue) goes as it was last sent:
        // the node refuses a package that changes an open session.
        let sent = try latest.map { try Self.sessions(of: $0) } ?? [:]
        let freeze = Int64(settings.rosterFreezeMinutes) * 60_000
        let sessions = try await slots().filter { venues.contains($0.venue) }.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map { slot in
            if SeatAssigner.isRosterFixed(slot, now: now, freezeMilliseconds: freeze), let fixed = sent[slot.id] { return fixed }
            return RosterPackage.Session(
                id: slot.id,
                venue: slot.venue,
                timeZone: slot.timeZone,
                ruleSetID: ruleSet.id,
                scheduledStart: slot.startsAt,
                scheduledEnd: slot.startsAt + Int64(ruleSet.durationMinutes) * 60_000,
                // A re-sit goes out once the results of the session it replaces are in.
                participants: (seated[slot.id] ?? []).filter { !$0.resitWaiting }.map { seat in
                    RosterPackage.Participant(
                        participantNumber: seat.participantNumber,
                        name: seat.name,
                        formationType: seat.formationType,
                        accommodations: seat.accommodations,
                        accessCodeDigest: AccessCode.digest(accessCode(participantNumber: seat.participantNumber, periodID: period.id)),
                        resitOf: seat.resitOf
                    )
                }
            )
        }
        guard !sessions.isEmpty else {
            throw RegistrationError("no-sessions", kind: .conflict, "Belum ada sesi ujian di tempat node \(nodeID) (\(node.venues.joined(separator: ", "))).")
        }
        let draft = RosterPackage(
            periodID: period.id,
            nodeID: nodeID,
            nodeKeyID: PublicSigningKey(text: node.publicKey)?.id ?? "",
            version: (latest?.version ?? 0) + 1,
            createdAt: now,
            sessions: sessions
        )
        if let latest, latest.contentDigest == draft.contentDigest { return latest }
        let envelope = SignedEnvelope.seal(kind: RosterPackage.kind, payload: draft.encoded(), key: try settings.signingKey())
        let stored = StoredRosterPackage(nodeID: nodeID, version: draft.version, contentDigest: draft.contentDigest, envelope: envelope.encoded(), builtAt: now)
        let participants = sessions.reduce(0) { $0 + $1.participants.count }
        try await store.appendRosterPackage(
            stored,
            periodID: period.id,
            audit: audit(staff, "roster.export", "node:\(nodeID)", "versi \(draft.version): \(sessions.count) sesi, \(participants) peserta")
        )
        return stored
    }

    /// The sessions of a package this portal signed, by id.
    static func sessions(of stored: StoredRosterPackage) throws -> [String: RosterPackage.Session] {
        let payload = try SignedEnvelope.decode(stored.envelope, maximumBytes: Int.max).payload
        return Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(RosterPackage.self, from: payload).sessions.map { ($0.id, $0) })
    }
}
