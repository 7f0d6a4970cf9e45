import Foundation
import SeleksiCore

/// The staff's side: verification scoped to the verifier's agency, objections, and the
/// committee admin's timetable, formations, slots, announcements and seats. Every
/// action is written to the audit log in the same transaction.
extension RegistrationService {
    func requireVerifier(_ staff: StaffAccount) throws -> String? {
        switch staff.role {
        case .verifier: return staff.agencyID
        case .admin: return nil
        default: throw RegistrationError.forbidden
        }
    }

    public func requireAdmin(_ staff: StaffAccount) throws {
        guard staff.role == .admin else { throw RegistrationError.forbidden }
    }

    /// Submitted applications of the verifier's own agency (an admin sees all).
    public func worklist(staff: StaffAccount) async throws -> [ApplicationSummary] {
        let agency = try requireVerifier(staff)
        let period = try await period()
        try await store.appendAudit(audit(staff, "worklist.open", staff.agencyID ?? "semua"))
        if let agency { return try await store.applications(agencyID: agency, periodID: period.id) }
        var all: [ApplicationSummary] = []
        for agency in try await store.agencies() { all += try await store.applications(agencyID: agency.id, periodID: period.id) }
        return all
    }

    /// One application, if it is in the staff member's scope; another agency's is "not found".
    public func applicationForStaff(_ staff: StaffAccount, id: Int64) async throws -> (Account, Application) {
        let agency = try requireVerifier(staff)
        guard let application = try await store.application(id: id), application.status == .submitted,
            agency == nil || application.formation.agencyID == agency,
            let account = try await store.account(id: application.accountID)
        else { throw RegistrationError.notFound }
        return (account, application)
    }

    /// Opens an application for reading; the opening is audited.
    public func openApplication(_ staff: StaffAccount, id: Int64) async throws -> (Account, Application) {
        let found = try await applicationForStaff(staff, id: id)
        try await store.appendAudit(audit(staff, "application.open", "lamaran:\(id)"))
        return found
    }

    public func documentForStaff(_ staff: StaffAccount, id: Int64, kind: String) async throws -> (StoredDocument, [UInt8]) {
        let (_, application) = try await applicationForStaff(staff, id: id)
        let (document, data) = try await Self.read(application, kind: kind)
        try await store.appendAudit(audit(staff, "document.open", "lamaran:\(id)", kind))
        return (document, [UInt8](data))
    }

    /// MS, or TMS with a reason from the configured list, during the verification window.
    /// `accommodations`: those asked for that the documents support (MS only); the others
    /// do not count at the exam.
    public func decide(
        staff: StaffAccount,
        id: Int64,
        result: VerificationResult,
        reasonCode: String?,
        note: String,
        accommodations: [String] = []
    ) async throws {
        let period = try await period()
        let (_, application) = try await applicationForStaff(staff, id: id)
        try require(period.verification, "Verifikasi")
        // After the announcement a new result would have no objection days left.
        if let announced = period.resultsAnnouncedAt {
            throw RegistrationError(
                "already-announced",
                kind: .conflict,
                "Hasil administrasi sudah diumumkan \(IndonesianDate.dateTime(announced)); hasil tidak dapat dicatat lagi."
            )
        }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        var code: String?
        if result == .ms, reasonCode != nil {
            throw RegistrationError.invalid("reason-for-ms", "Alasan hanya diisi untuk hasil TMS.")
        }
        if result == .tms {
            guard let reasonCode, settings.rejectionReasons.contains(where: { $0.code == reasonCode }) else { throw RegistrationError.unknownReason }
            code = reasonCode
        }
        guard text.count <= 2000 else { throw RegistrationError.invalid("invalid-note", "Keterangan paling panjang 2000 karakter.") }
        if result == .tms, !accommodations.isEmpty {
            throw RegistrationError.invalid("invalid-accommodation", "Kebutuhan khusus hanya dikonfirmasi untuk hasil MS.")
        }
        if let problem = Eligibility.confirmedAccommodations(accommodations, asked: application.draft.accommodations) { throw problem }
        let confirmed = accommodations.isEmpty ? "" : ", kebutuhan khusus dikonfirmasi: " + accommodations.joined(separator: ", ")
        try await store.recordVerification(
            applicationID: id,
            Verification(result: result, reasonCode: code, note: text, by: staff.username, at: now, accommodations: accommodations),
            audit: audit(staff, "verification.decide", "lamaran:\(id)", result.rawValue + (code.map { " " + $0 } ?? "") + confirmed)
        )
    }

    /// An accepted objection makes the result MS, with the `accommodations` (asked for and
    /// supported by the documents) confirmed as in `decide`.
    public func answerObjection(staff: StaffAccount, id: Int64, accepted: Bool, answer: String, accommodations: [String] = []) async throws {
        let (_, application) = try await applicationForStaff(staff, id: id)
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (5...2000).contains(text.count) else { throw RegistrationError.invalid("invalid-answer", "Jawaban sanggahan harus ditulis, 5-2000 karakter.") }
        if !accepted, !accommodations.isEmpty {
            throw RegistrationError.invalid("invalid-accommodation", "Kebutuhan khusus hanya dikonfirmasi bila sanggahan diterima.")
        }
        if let problem = Eligibility.confirmedAccommodations(accommodations, asked: application.draft.accommodations) { throw problem }
        let confirmed = accommodations.isEmpty ? "" : ", kebutuhan khusus dikonfirmasi: " + accommodations.joined(separator: ", ")
        try await store.answerObjection(
            applicationID: id,
            answer: text,
            accepted: accepted,
            accommodations: accommodations,
            by: staff.username,
            at: now,
            audit: audit(staff, "objection.answer", "lamaran:\(id)", (accepted ? "diterima" : "ditolak") + confirmed)
        )
    }

    /// A label for a TMS reason code.
    public func reasonLabel(_ code: String?) -> String? {
        code.flatMap { code in settings.rejectionReasons.first { $0.code == code }?.label }
    }

    // MARK: - Committee admin

    /// Instants a timetable may name: 2000-01-01 to 2200-01-01 (UTC).
    static let plausibleInstants: ClosedRange<Int64> = 946_684_800_000...7_258_118_400_000

    public func setPeriod(staff: StaffAccount?, _ period: SelectionPeriod) async throws {
        if let staff { try requireAdmin(staff) }
        for window in [period.registration, period.verification, period.exam, period.announcement] {
            guard Self.plausibleInstants.contains(window.opens), Self.plausibleInstants.contains(window.closes) else {
                throw RegistrationError.invalid("invalid-timetable", "Tanggal jadwal harus antara tahun 2000 dan 2200.")
            }
            guard window.opens <= window.closes else { throw RegistrationError.invalid("invalid-timetable", "Jendela jadwal berakhir sebelum dibuka.") }
        }
        guard period.registration.closes <= period.verification.closes, (0...30).contains(period.objectionDays) else {
            throw RegistrationError.invalid("invalid-timetable", "Verifikasi tidak boleh selesai sebelum pendaftaran; masa sanggah 0-30 hari.")
        }
        guard period.participantPrefix.range(of: "^[0-9]{2,8}$", options: .regularExpression) != nil else {
            throw RegistrationError.invalid("invalid-prefix", "Awalan nomor peserta: 2-8 angka.")
        }
        try await store.savePeriod(
            period,
            audit: audit(staff, "period.save", period.id, "pendaftaran \(period.registration.indonesian)")
        )
    }

    public func addAgency(staff: StaffAccount?, _ agency: Agency) async throws {
        if let staff { try requireAdmin(staff) }
        guard agency.id.range(of: "^[a-z0-9-]{2,40}$", options: .regularExpression) != nil, !agency.name.isEmpty else {
            throw RegistrationError.invalid("invalid-agency", "Kode instansi: 2-40 huruf kecil/angka/tanda hubung, dan nama wajib.")
        }
        try await store.saveAgency(
            agency,
            audit: audit(staff, "agency.save", agency.id, agency.name)
        )
    }

    public func addFormation(staff: StaffAccount?, _ formation: Formation) async throws {
        if let staff { try requireAdmin(staff) }
        var formation = formation
        formation.periodID = try await period().id
        if let refusal = FormationRule.refusal(formation) { throw refusal }
        try await store.saveFormation(
            formation,
            audit: audit(staff, "formation.save", formation.id, formation.position)
        )
    }

    /// Reads an agency's formation table and saves every formation in it, in one
    /// transaction: one bad line (or one formation the rules no longer let change) and
    /// nothing is saved. Throws `FormationTable.Problems` naming each bad line.
    public func importFormations(staff: StaffAccount, csv: String, fileName: String) async throws -> Int {
        try requireAdmin(staff)
        let period = try await period()
        let rows: [FormationTable.Row]
        switch FormationTable.read(csv, agencies: try await store.agencies(), periodID: period.id) {
        case .success(let read): rows = read
        case .failure(let problems): throw problems
        }
        let audits = rows.map { audit(staff, "formation.import", $0.formation.id, "\(fileName) baris \($0.line): \($0.formation.position)") }
        do {
            try await store.saveFormations(rows.map(\.formation), audits: audits)
        } catch let refused as RefusedInBatch {
            throw FormationTable.Problems(lines: ["baris \(rows[refused.index].line): \(refused.refusal.message)"])
        }
        return rows.count
    }

    public func addSlot(staff: StaffAccount?, _ slot: ExamSlot) async throws {
        if let staff { try requireAdmin(staff) }
        var slot = slot
        slot.periodID = try await period().id
        guard Self.plausibleInstants.contains(slot.startsAt) else {
            throw RegistrationError.invalid("invalid-slot", "Waktu mulai sesi ujian harus antara tahun 2000 dan 2200.")
        }
        guard slot.capacity > 0, (1...8).contains(slot.sessionNumber), !slot.venue.isEmpty, !slot.location.isEmpty, !slot.id.isEmpty else {
            throw RegistrationError.invalid("invalid-slot", "Sesi ujian harus punya kode, tempat, lokasi, sesi 1-8 dan kapasitas > 0.")
        }
        defer { locationCache.clear() }
        try await store.saveSlot(
            slot,
            now: now,
            freezeMilliseconds: Int64(settings.rosterFreezeMinutes) * 60_000,
            audit: audit(staff, "slot.save", slot.id, slot.venue)
        )
    }

    /// Publishes the administrative results: applicants see them, and the objection days
    /// start. Given the `decisions` of the preview the admin confirmed
    /// (`VerificationTally.decisions`), refused if any decision has changed since.
    public func announceResults(staff: StaffAccount, confirmed decisions: String? = nil) async throws -> SelectionPeriod {
        try requireAdmin(staff)
        let period = try await period()
        return try await store.announceResults(
            periodID: period.id,
            at: now,
            confirmed: decisions,
            audit: audit(staff, "results.announce", period.id, "masa sanggah \(period.objectionDays) hari")
        )
    }

    /// What an announcement of the administrative result would cover, shown before it is
    /// made; throws what would refuse it now (registration still open, undecided applications).
    public func announcementPreview(staff: StaffAccount) async throws -> VerificationTally {
        try requireAdmin(staff)
        let period = try await period()
        let tally = try await store.verificationTally(periodID: period.id)
        if let refusal = AnnouncementRule.refusal(period: period, now: now, submitted: tally.submitted, undecided: tally.undecided) { throw refusal }
        return tally
    }

    public func assignSeats(staff: StaffAccount) async throws -> (assigned: Int, unplaced: Int) {
        try requireAdmin(staff)
        let period = try await period()
        // A seat would tell an applicant their result before the announcement.
        guard period.resultsAnnouncedAt != nil else { throw RegistrationError.resultNotAnnounced }
        return try await store.assignSeats(
            period: period,
            now: now,
            freezeMilliseconds: Int64(settings.rosterFreezeMinutes) * 60_000,
            audit: audit(staff, "seats.assign", period.id)
        )
    }

    public func moveSeat(staff: StaffAccount, applicationID: Int64, slotID: String) async throws {
        try requireAdmin(staff)
        try await store.moveSeat(
            applicationID: applicationID,
            slotID: slotID,
            now: now,
            freezeMilliseconds: Int64(settings.rosterFreezeMinutes) * 60_000,
            audit: audit(staff, "seats.move", "lamaran:\(applicationID)", slotID)
        )
    }

    /// A re-sit after an incident (`ResitRule`): audited as `seats.resit` with its reason;
    /// the next roster package carries it to the node.
    public func grantResit(staff: StaffAccount, applicationID: Int64, slotID: String, reason: String) async throws {
        try requireAdmin(staff)
        try await store.grantResit(
            applicationID: applicationID,
            slotID: slotID,
            reason: reason,
            by: staff.username,
            now: now,
            freezeMilliseconds: Int64(settings.rosterFreezeMinutes) * 60_000,
            audit: audit(
                staff,
                "seats.resit",
                "lamaran:\(applicationID)",
                "ke \(slotID): \(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))"
            )
        )
    }

    /// Registers an exam node (or changes its venues, address or key), for the period.
    /// - Parameter staff: the admin registering it; nil for `seleksi serve`'s own node.
    public func registerNode(staff: StaffAccount?, _ node: RegisteredNode) async throws -> RegisteredNode {
        if let staff { try requireAdmin(staff) }
        var node = node
        node.id = node.id.trimmingCharacters(in: .whitespaces)
        node.venues = node.venues.map { $0.trimmingCharacters(in: .whitespaces) }
        node.publicKey = node.publicKey.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        node.registeredAt = now
        node.registeredBy = staff?.username ?? "sistem"
        if let refusal = NodeRegistrationRule.refusal(node) { throw refusal }
        let period = try await period()
        try await store.saveNode(
            node,
            periodID: period.id,
            audit: audit(staff, "node.register", "node:\(node.id)", "\(node.url) kunci \(PublicSigningKey(text: node.publicKey)!.id)")
        )
        return node
    }

    public func nodes(staff: StaffAccount) async throws -> [RegisteredNode] {
        try requireAdmin(staff)
        return try await store.nodes(periodID: try await period().id)
    }

    public func auditLog(staff: StaffAccount, _ filter: AuditFilter) async throws -> [AuditEntry] {
        try requireAdmin(staff)
        try await store.appendAudit(
            audit(staff, "audit.read", "audit", "pelaku \(filter.actor ?? "-"), tindakan \(filter.action ?? "-"), subjek \(filter.subject ?? "-")")
        )
        return try await store.audit(filter)
    }
}
