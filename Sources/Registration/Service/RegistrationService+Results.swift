import ExamEngine
public import Foundation
public import SeleksiCore

/// The portal's side of results: a node's signed results package, accepted only from the
/// node registered for that session's venue, checked against the roster it ran, and kept
/// exactly as received beside the results taken from it.
extension RegistrationService {
    /// The results packages received this period, by session.
    public func resultsPackages(staff: StaffAccount) async throws -> [StoredResultsPackage] {
        try requireAdmin(staff)
        return try await store.resultsPackages(periodID: try await period().id)
    }

    /// Imports a results package (a `SignedEnvelope` of kind `results`). The same package
    /// again changes nothing; anything else about it that is wrong refuses all of it.
    /// Audited as `results.import`.
    /// - Parameter arrival: how it came: an admin's upload, or without one (the node sent
    ///   it, the portal pulled it, the command line on the server), when the node's
    ///   signature is its only credential.
    public func importResults(_ data: Data, _ arrival: ResultsArrival) async throws -> ResultsImport {
        let staff = arrival.staff
        if let staff { try requireAdmin(staff) }
        let period = try await period()
        // The signer must be a node registered for this period: the key id picks which.
        let (node, package, envelope) = try await fromNode(
            data,
            as: ResultsPackage.self,
            kind: ResultsPackage.kind,
            periodID: period.id,
            maximumBytes: settings.maxPackageMB * 1_048_576,
            code: "invalid-package",
            what: "Paket"
        )
        guard package.periodID == period.id else {
            throw RegistrationError(
                "wrong-period",
                kind: .conflict,
                "Paket hasil ini untuk periode \(EnvelopeError.shown(package.periodID)), bukan \(period.id)."
            )
        }
        guard package.nodeID == node.id else {
            throw RegistrationError(
                "wrong-node",
                kind: .forbidden,
                "Paket atas nama node \(EnvelopeError.shown(package.nodeID)) ditandatangani kunci node \(node.id); ditolak."
            )
        }
        guard let slot = try await slots().first(where: { $0.id == package.sessionID }) else {
            throw RegistrationError("unknown-session", kind: .notFound, "Sesi \(EnvelopeError.shown(package.sessionID)) tidak dikenal di periode ini.")
        }
        guard node.venues.contains(slot.venue) else {
            throw RegistrationError("wrong-node", kind: .forbidden, "Sesi \(slot.id) di \(slot.venue) bukan sesi node \(node.id); ditolak.")
        }
        // The roster the session ran: the version the node names, as the portal signed it.
        guard let stored = try await store.rosterPackage(periodID: period.id, nodeID: node.id, version: package.rosterVersion),
            let roster = try? JSONDecoder().decode(RosterPackage.self, from: SignedEnvelope.decode(stored.envelope, maximumBytes: .max).payload),
            let session = roster.sessions.first(where: { $0.id == slot.id })
        else {
            throw RegistrationError(
                "unknown-roster",
                kind: .conflict,
                "Sesi \(slot.id) tidak ada di daftar peserta versi \(package.rosterVersion) yang dikirim portal ke node \(node.id)."
            )
        }
        let subtests = Dictionary(try examRuleSet().subtests.map { ($0.code, $0.maximumScore) }, uniquingKeysWith: { first, _ in first })
        if let refusal = ResultsRule.refusal(package, roster: session, subtests: subtests) { throw refusal }
        let digest = ResultsPackage.digest(payload: envelope.payload)
        let results = package.candidates.map { ExamResult($0, session: slot.id) }
        let kept = StoredResultsPackage(
            sessionID: slot.id,
            nodeID: node.id,
            digest: digest,
            envelope: data,
            candidates: results.count,
            importedAt: now,
            importedBy: arrival.importedBy(node: node.id)
        )
        let finished = results.filter { $0.status == .finished }.count
        let saved = try await store.saveResults(
            kept,
            results,
            periodID: period.id,
            audit: audit(
                staff,
                "results.import",
                "session:\(slot.id)",
                "node \(node.id), \(results.count) peserta (\(finished) selesai), digest \(digest), oleh \(kept.importedBy)"
            )
        )
        return ResultsImport(sessionID: slot.id, nodeID: node.id, candidates: results.count, digest: digest, unchanged: !saved)
    }
}
