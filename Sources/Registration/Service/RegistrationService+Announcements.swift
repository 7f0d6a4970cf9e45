import ExamEngine
public import Foundation
public import Selection
import SeleksiCore

/// The SKD announcement: ranked from the nodes' results, previewed by a committee admin
/// exactly as it will be public, published as an immutable version chained to the last,
/// and read by anyone once its publication time has come.
extension RegistrationService {
    public static let skdStage = "skd"

    /// What publishing now (or at `publishAt`) would make public: the next version, with
    /// the rows, sources and chain it would have. Nothing is stored.
    public func skdAnnouncementDraft(staff: StaffAccount, publishAt: Int64? = nil) async throws -> Announcement {
        try requireAdmin(staff)
        return try await skdDraft(period: try await period(), publishAt: publishAt)
    }

    /// Publishes the next version of the SKD announcement. Refused while results are
    /// missing, when nothing changed since the last version, for a time in the past or
    /// before the last version's, and, given the previewed `expectedContent`
    /// (`Announcement.contentDigest`), when the results changed since that preview.
    /// Audited as `announcement.publish`.
    public func publishSKD(staff: StaffAccount, publishAt: Int64?, expectedContent: String? = nil) async throws -> StoredAnnouncement {
        try requireAdmin(staff)
        let period = try await period()
        let draft = try await skdDraft(period: period, publishAt: publishAt)
        if let expectedContent, expectedContent != draft.contentDigest {
            throw RegistrationError(
                "preview-changed",
                kind: .conflict,
                "Hasil berubah sejak pratinjau dibuka (paket hasil baru masuk); periksa pratinjau yang baru, lalu terbitkan."
            )
        }
        if let latest = try await store.announcements(periodID: period.id, stage: Self.skdStage, visibleAt: nil).last,
            latest.contentDigest == draft.contentDigest
        {
            throw RegistrationError(
                "announcement-unchanged",
                kind: .conflict,
                "Hasil tidak berubah sejak pengumuman versi \(latest.version); versi baru tidak diterbitkan."
            )
        }
        let file = PublishedAnnouncement(draft)
        let stored = StoredAnnouncement(
            stage: Self.skdStage,
            version: draft.version,
            digest: file.digest,
            previousDigest: draft.previousDigest,
            contentDigest: draft.contentDigest,
            publishedAt: draft.publishedAt,
            createdAt: now,
            createdBy: staff.username,
            rows: draft.rows.count
        )
        try await store.appendAnnouncement(
            stored,
            file: file.encoded(),
            periodID: period.id,
            audit: audit(
                staff,
                "announcement.publish",
                "announcement:\(Self.skdStage)/\(draft.version)",
                "\(draft.rows.count) peserta, tampil \(IndonesianDate.dateTime(draft.publishedAt)), digest \(file.digest)"
            )
        )
        return stored
    }

    /// Withdraws a scheduled version before its time (to cancel it, or to move it: withdraw,
    /// then publish again at the new time). Only the latest version can be withdrawn, and
    /// never one already public: a correction of that is a new version. Audited as
    /// `announcement.withdraw` with the withdrawn version's digest and planned time.
    public func withdrawScheduledAnnouncement(staff: StaffAccount, stage: String, version: Int) async throws -> StoredAnnouncement {
        try requireAdmin(staff)
        let period = try await period()
        let planned = try await store.announcements(periodID: period.id, stage: stage, visibleAt: nil).first { $0.version == version }
        return try await store.withdrawScheduledAnnouncement(
            periodID: period.id,
            stage: stage,
            version: version,
            now: now,
            audit: audit(
                staff,
                "announcement.withdraw",
                "announcement:\(stage)/\(version)",
                "terjadwal \(planned.map { IndonesianDate.dateTime($0.publishedAt) } ?? "-"), digest \(planned?.digest ?? "-")"
            )
        )
    }

    /// Every version, scheduled ones included, for the committee.
    public func allAnnouncements(staff: StaffAccount, stage: String) async throws -> [StoredAnnouncement] {
        try requireAdmin(staff)
        return try await store.announcements(periodID: try await period().id, stage: stage, visibleAt: nil)
    }

    /// The versions the public may see now, oldest first.
    public func publishedAnnouncements(stage: String) async throws -> [StoredAnnouncement] {
        try await store.announcements(periodID: try await period().id, stage: stage, visibleAt: now)
    }

    /// One published version's file (`PublishedAnnouncement` JSON); nil before its time or for none.
    public func announcementFile(stage: String, version: Int) async throws -> Data? {
        try await store.announcementFile(periodID: try await period().id, stage: stage, version: version, visibleAt: now)
    }

    /// By formation, then rank (the unranked last), then participant number.
    static func announcementOrder(_ a: Announcement.Row, _ b: Announcement.Row) -> Bool {
        if a.formationID != b.formationID { return a.formationID < b.formationID }
        let (left, right) = (a.rank ?? Int.max, b.rank ?? Int.max)
        if left != right { return left < right }
        return a.participantNumber < b.participantNumber
    }

    /// The codes and labels announcements print (`result_codes`).
    func resultCodes() throws -> ResultCodes {
        do {
            return try ResultCodes.parse(try String(contentsOfFile: settings.resultCodes, encoding: .utf8), file: settings.resultCodes)
        } catch {
            throw RegistrationError("result-codes", kind: .internal, "Kode hasil \(settings.resultCodes) tidak dapat dibaca: \(error)")
        }
    }

    /// The rule set of the exam the rosters were for.
    func examRuleSet() throws -> RuleSet { try examRules.get() }

    func skdDraft(period: SelectionPeriod, publishAt: Int64?) async throws -> Announcement {
        let publishedAt = publishAt ?? now
        guard publishedAt >= now - 60_000 else {
            throw RegistrationError(
                "publish-time-past",
                kind: .invalid,
                "Waktu tayang \(IndonesianDate.dateTime(publishedAt)) sudah lewat; pilih sekarang atau nanti."
            )
        }
        let ruleSet = try examRuleSet()
        let codes = try resultCodes()
        let applicants = try await store.rankedApplicants(periodID: period.id)
        guard !applicants.isEmpty else {
            throw RegistrationError(
                "nothing-to-announce",
                kind: .conflict,
                "Belum ada peserta ujian (nomor peserta) di periode ini; tidak ada hasil untuk diumumkan."
            )
        }
        // The result that counts: a re-sit's over the attempt it replaced; an attempt over an absence.
        let results = Dictionary(grouping: try await store.examResults(periodID: period.id), by: \.participantNumber).compactMapValues(ResitRule.counting)
        // Every session someone is seated in now waits for its results; whoever never was seated is absent.
        let received = Set(try await store.resultsPackages(periodID: period.id).map(\.sessionID))
        let waiting = Set(applicants.compactMap(\.slotID)).subtracting(received).sorted()
        if !waiting.isEmpty {
            throw RegistrationError(
                "results-missing",
                kind: .conflict,
                "Paket hasil \(waiting.count) sesi belum diterima (\(waiting.prefix(5).joined(separator: ", "))\(waiting.count > 5 ? ", …" : "")); pengumuman menunggu semuanya."
            )
        }
        let formations = try await store.formations(periodID: period.id, filter: FormationFilter(page: 1, pageSize: 1_000_000)).items
        let byFormation = Dictionary(formations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let candidates = applicants.map { applicant in
            let attendance: SKDCandidate.Attendance =
                switch results[applicant.participantNumber] {
                case let result? where result.status == .finished: .present(scores: result.scores)
                case let result? where result.status == .disqualified: .disqualified(reason: result.reason ?? "")
                default: .absent
                }
            return SKDCandidate(participantNumber: applicant.participantNumber, formationID: applicant.formationID, attendance: attendance)
        }
        let ranked: [SKDResult]
        do {
            ranked = try SKDRanking.rank(candidates, formations: formations.map { SKDFormation(id: $0.id, type: $0.type, quota: $0.quota) }, ruleSet: ruleSet)
        } catch {
            throw RegistrationError("ranking", kind: .conflict, "Peringkat tidak dapat dihitung: \(error).")
        }
        let names = Dictionary(applicants.map { ($0.participantNumber, $0.name) }, uniquingKeysWith: { first, _ in first })
        let rows = ranked.map { result in
            let formation = byFormation[result.formationID]
            let code = codes.skd(result.standing)
            return Announcement.Row(
                participantNumber: result.participantNumber,
                name: names[result.participantNumber] ?? "",
                agencyID: formation?.agencyID ?? "",
                agencyName: formation?.agencyName ?? "",
                formationID: result.formationID,
                formationName: formation.map { "\($0.position), \($0.unit) (\($0.location))" } ?? result.formationID,
                scores: result.scores,
                total: result.total,
                rank: result.rank,
                code: code.code,
                label: code.label
            )
        }
        .sorted(by: Self.announcementOrder)
        let sources = try await store.resultsPackages(periodID: period.id).map {
            Announcement.Source(sessionID: $0.sessionID, nodeID: $0.nodeID, digest: $0.digest)
        }
        let latest = try await store.announcements(periodID: period.id, stage: Self.skdStage, visibleAt: nil).last
        return Announcement(
            periodID: period.id,
            stage: Self.skdStage,
            version: (latest?.version ?? 0) + 1,
            previousDigest: latest?.digest,
            publishedAt: publishedAt,
            ruleSetID: ruleSet.id,
            sources: sources,
            rows: rows
        )
    }
}
