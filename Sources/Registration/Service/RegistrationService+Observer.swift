import Foundation
import Selection
public import SeleksiCore

/// What an observer (inspectorate, ombudsman, partner agencies) may see, within their
/// period: every session's progress, the portal's audit log and each node's as it came in
/// its results package, and any published score checked against its signed package.
/// Nothing here changes anything (reading the portal's audit log is itself audited).
extension RegistrationService {
    /// An observer of the period open now, or an admin.
    @discardableResult
    public func requireObserver(_ staff: StaffAccount) async throws -> SelectionPeriod {
        let period = try await period()
        switch staff.role {
        case .admin: return period
        case .observer where staff.periodID == period.id: return period
        default: throw RegistrationError.forbidden
        }
    }

    /// Every exam slot of the period, in timetable order, with its node's report.
    public func examProgress(staff: StaffAccount) async throws -> [SessionProgress] {
        let period = try await requireObserver(staff)
        let seated = Dictionary(grouping: try await store.seatedParticipants(periodID: period.id), by: \.slotID)
        let nodes = try await store.nodes(periodID: period.id)
        let packages = Dictionary(try await store.resultsPackages(periodID: period.id).map { ($0.sessionID, $0) }, uniquingKeysWith: { a, _ in a })
        let results = Dictionary(grouping: try await store.examResults(periodID: period.id), by: \.sessionID)
        return try await slots().sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map { slot in
            let reported = packages[slot.id].map { package in
                let rows = results[slot.id] ?? []
                return SessionProgress.ReportedResults(
                    digest: package.digest,
                    receivedAt: package.importedAt,
                    finished: rows.count { $0.status == .finished },
                    absent: rows.count { $0.status == .absent },
                    disqualified: rows.count { $0.status == .disqualified }
                )
            }
            return SessionProgress(
                sessionID: slot.id,
                venue: slot.venue,
                location: slot.location,
                startsAt: slot.startsAt,
                timeZone: slot.timeZone,
                seated: seated[slot.id]?.count ?? 0,
                nodeID: nodes.first { $0.venues.contains(slot.venue) }?.id,
                results: reported
            )
        }
    }

    /// The node's audit log of a session, as its signed results package carried it, and
    /// the session's time zone (the venue's clock, in which its lines are read).
    public func nodeAudit(
        staff: StaffAccount,
        sessionID: String
    ) async throws -> (timeZone: IndonesianTimeZone, lines: [ResultsPackage.AuditLine]) {
        let period = try await requireObserver(staff)
        guard let slot = try await slots().first(where: { $0.id == sessionID }),
            let stored = try await store.resultsPackage(periodID: period.id, sessionID: sessionID),
            let package = try? JSONDecoder().decode(ResultsPackage.self, from: SignedEnvelope.decode(stored.envelope, maximumBytes: .max).payload)
        else {
            throw RegistrationError("no-results", kind: .notFound, "Paket hasil sesi \(EnvelopeError.shown(sessionID)) belum diterima.")
        }
        return (slot.timeZone, package.audit)
    }

    /// The portal's audit log for an observer (the reading is audited, as an admin's is).
    public func observerAuditLog(staff: StaffAccount, _ filter: AuditFilter) async throws -> [AuditEntry] {
        let period = try await requireObserver(staff)
        var filter = filter
        filter.periodID = period.id
        try await store.appendAudit(
            audit(staff, "audit.read", "audit", "pelaku \(filter.actor ?? "-"), tindakan \(filter.action ?? "-"), subjek \(filter.subject ?? "-")")
        )
        return try await store.audit(filter)
    }

    /// The participant's row in the latest published SKD announcement, checked against the
    /// node's signed results package: the signature with the node's registered key, and the
    /// scores, total and status against what was published.
    public func verifyScore(staff: StaffAccount, participantNumber: String) async throws -> ScoreCheck {
        let period = try await requireObserver(staff)
        guard let latest = try await store.announcements(periodID: period.id, stage: Self.skdStage, visibleAt: now).last,
            let file = try await store.announcementFile(periodID: period.id, stage: Self.skdStage, version: latest.version, visibleAt: now),
            let published = try? JSONDecoder().decode(PublishedAnnouncement.self, from: file)
        else {
            throw RegistrationError("no-announcement", kind: .notFound, "Belum ada pengumuman SKD yang tayang.")
        }
        guard let row = published.announcement.rows.first(where: { $0.participantNumber == participantNumber }) else {
            throw RegistrationError(
                "unknown-participant",
                kind: .notFound,
                "Peserta \(EnvelopeError.shown(participantNumber)) tidak ada di pengumuman versi \(latest.version)."
            )
        }
        let results = try await store.examResults(periodID: period.id).filter { $0.participantNumber == participantNumber }
        // The result that counts (`ResitRule.counting`).
        guard let result = ResitRule.counting(results) else {
            return ScoreCheck(
                row,
                version: latest.version,
                digest: latest.digest,
                package: nil,
                signatureValid: false,
                problems: row.code == "TH" || row.scores == nil ? [] : ["tidak ada paket hasil untuk peserta ini, tetapi nilainya diumumkan"]
            )
        }
        guard let stored = try await store.resultsPackage(periodID: period.id, sessionID: result.sessionID),
            let envelope = try? SignedEnvelope.decode(stored.envelope, maximumBytes: .max)
        else {
            throw RegistrationError("no-results", kind: .internal, "Paket hasil sesi \(result.sessionID) tidak dapat dibaca.")
        }
        let key = try await store.nodes(periodID: period.id).first { $0.id == stored.nodeID }.flatMap { PublicSigningKey(text: $0.publicKey) }
        var problems: [String] = []
        var package: ResultsPackage?
        do {
            let payload = try envelope.open(kind: ResultsPackage.kind, trusted: key.map { [$0] } ?? [])
            package = try JSONDecoder().decode(ResultsPackage.self, from: payload)
        } catch {
            problems.append("tanda tangan paket tidak dapat diperiksa dengan kunci node \(stored.nodeID) yang terdaftar: \(error)")
        }
        let signatureValid = package != nil
        if let package {
            if let candidate = package.candidates.first(where: { $0.participantNumber == participantNumber }) {
                let scores = candidate.score.map { Dictionary($0.subtests.map { ($0.subtest, $0.score) }, uniquingKeysWith: { a, _ in a }) }
                if candidate.status == .finished {
                    if scores != row.scores { problems.append("nilai subtes di paket \(scores ?? [:]) berbeda dari yang diumumkan \(row.scores ?? [:])") }
                    if candidate.score?.total != row.total {
                        problems.append("total di paket \(candidate.score?.total ?? 0) berbeda dari yang diumumkan \(row.total ?? 0)")
                    }
                } else if row.scores != nil {
                    problems.append("paket mencatat \(candidate.status.rawValue), tetapi nilainya diumumkan")
                }
                if candidate.answerLogDigest != ResultsPackage.digest(of: candidate.answerLog) { problems.append("log jawaban tidak cocok dengan digestnya") }
            } else {
                problems.append("peserta tidak ada di paket hasil sesi \(package.sessionID)")
            }
        }
        return ScoreCheck(
            row,
            version: latest.version,
            digest: latest.digest,
            package: (stored.sessionID, stored.nodeID, envelope.keyID, stored.digest),
            signatureValid: signatureValid,
            problems: problems
        )
    }
}

extension ScoreCheck {
    init(
        _ row: Announcement.Row,
        version: Int,
        digest: String,
        package: (session: String, node: String, key: String, digest: String)?,
        signatureValid: Bool,
        problems: [String]
    ) {
        self.init(
            participantNumber: row.participantNumber,
            announcementVersion: version,
            announcementDigest: digest,
            publishedScores: row.scores,
            publishedTotal: row.total,
            publishedCode: row.code,
            sessionID: package?.session,
            nodeID: package?.node,
            keyID: package?.key,
            packageDigest: package?.digest,
            signatureValid: signatureValid,
            matches: problems.isEmpty,
            problems: problems
        )
    }
}
