public import ExamEngine
public import Foundation
public import Selection
import SeleksiCore

/// SKB interviews (domain stage 6): committee admins define panels; everyone the SKD
/// announcement sent on to the SKB is scheduled automatically, with a report of whom it
/// could not place and why; each candidate sees their slot, gets it by email and as an
/// iCalendar file, and may move it once, before the deadline, to a free slot of the panel.
extension RegistrationService {
    public struct InterviewScheduleReport: Sendable {
        public let placed: [InterviewBooking]
        public let unplaced: [(participantNumber: String, reason: UnplacedReason)]
        /// Already booked before this run (kept as they were).
        public let kept: Int
    }

    /// A candidate's interview as their page shows it.
    public struct InterviewView: Sendable {
        public let booking: InterviewBooking
        public let panel: InterviewPanel
        /// Until when they may move it (milliseconds); they may not once moved.
        public let moveDeadline: Int64
        public let canMove: Bool
        /// The panel's free slots they could move to, in time order (empty when they cannot move).
        public let freeSlots: [InterviewSlot]
    }

    /// Adds or replaces a panel, after checking it can work and that each interviewer is
    /// a staff account with the interviewer role. Audited as `interview.panel`.
    public func saveInterviewPanel(staff: StaffAccount, _ panel: InterviewPanel) async throws {
        try requireAdmin(staff)
        let period = try await period()
        do { try panel.validate() } catch { throw RegistrationError.invalid(error.code, error.message) }
        guard panel.id.range(of: "^[A-Za-z0-9._-]{1,40}$", options: .regularExpression) != nil else {
            throw RegistrationError.invalid("panel-id", "id panel: 1-40 huruf, angka, titik, garis bawah atau tanda hubung")
        }
        for username in panel.interviewers {
            guard let credentials = try await store.staffCredentials(username: username), credentials.staff.role == .interviewer else {
                throw RegistrationError.invalid("panel-unknown-interviewer", "'\(username)' bukan akun staf berperan pewawancara")
            }
        }
        for formation in panel.formations.sorted() where try await store.formation(id: formation)?.periodID != period.id {
            throw RegistrationError.invalid("unknown-formation", "Formasi '\(formation)' tidak ada di periode ini")
        }
        let days = panel.workingDays
        try await store.saveInterviewPanel(
            panel,
            periodID: period.id,
            audit: audit(
                staff,
                "interview.panel",
                "interview-panel:\(panel.id)",
                "\(panel.interviewers.joined(separator: ", ")); \(panel.place); \(days.count) hari \(InterviewPanel.clock(panel.opens))-\(InterviewPanel.clock(panel.closes)) \(panel.zone.rawValue)"
            )
        )
    }

    public func interviewPanels(staff: StaffAccount) async throws -> [InterviewPanel] {
        try requireAdmin(staff)
        return try await store.interviewPanels(periodID: try await period().id)
    }

    /// Schedules everyone the latest public SKD announcement sent on to the SKB who has no
    /// interview yet, around the slots already booked and their exam session (with
    /// `interview_gap_minutes` either side). Each placed candidate gets an email; those
    /// who could not be placed are in the report with the reason. Audited as `interview.schedule`.
    public func scheduleInterviews(staff: StaffAccount) async throws -> InterviewScheduleReport {
        try requireAdmin(staff)
        let period = try await period()
        let panels = try await store.interviewPanels(periodID: period.id)
        guard !panels.isEmpty else {
            throw RegistrationError("no-interview-panels", kind: .conflict, "Belum ada panel wawancara; buat panel dulu.")
        }
        let shortlist = try await skbShortlist(periodID: period.id)
        let booked = try await store.interviewBookings(periodID: period.id)
        let bookedNumbers = Set(booked.map(\.participantNumber))
        let waiting = shortlist.filter { !bookedNumbers.contains($0.participantNumber) }
        let conflicts = Dictionary(grouping: try await store.interviewConflicts(periodID: period.id), by: \.participantNumber)
        let candidates = try await interviewCandidates(waiting, periodID: period.id).map {
            InterviewCandidate(
                participantNumber: $0.participantNumber,
                formationID: $0.formationID,
                busy: $0.busy,
                conflicts: Set(conflicts[$0.participantNumber]?.map(\.interviewer) ?? [])
            )
        }
        // One whose booking was withdrawn keeps its calendar event: same UID, a higher SEQUENCE.
        let cancelled = Dictionary(
            uniqueKeysWithValues: try await store.interviewWithdrawals(periodID: period.id).map { ($0.participantNumber, $0.sequence) }
        )
        let schedule: InterviewSchedule
        do {
            schedule = try InterviewScheduling.schedule(
                candidates,
                panels: panels,
                gapMinutes: settings.interviewGapMinutes,
                taken: Set(booked.map(\.slot))
            )
        } catch { throw RegistrationError.invalid(error.code, error.message) }
        let at = now
        let bookings = schedule.placed.map {
            InterviewBooking(
                participantNumber: $0.participantNumber,
                slot: $0.slot,
                sequence: cancelled[$0.participantNumber].map { $0 + 1 } ?? 0,
                bookedAt: at
            )
        }
        let contacts = try await store.applicantContacts(periodID: period.id, participantNumbers: bookings.map(\.participantNumber))
        let byID = Dictionary(uniqueKeysWithValues: panels.map { ($0.id, $0) })
        let mails = bookings.compactMap { booking in
            contacts[booking.participantNumber].map { interviewMail(booking, panel: byID[booking.slot.panelID]!, to: $0, changed: false) }
        }
        let unplacedText = schedule.unplaced.map { "\($0.participantNumber) (\($0.reason.rawValue))" }.joined(separator: ", ")
        try await store.addInterviewBookings(
            bookings,
            periodID: period.id,
            mails: mails,
            audit: audit(
                staff,
                "interview.schedule",
                "period:\(period.id)",
                "\(bookings.count) dijadwalkan, \(schedule.unplaced.count) tidak" + (unplacedText.isEmpty ? "" : ": " + unplacedText)
            )
        )
        return InterviewScheduleReport(placed: bookings, unplaced: schedule.unplaced, kept: booked.count)
    }

    /// Every booking, for the committee.
    public func interviewBookings(staff: StaffAccount) async throws -> [InterviewBooking] {
        try requireAdmin(staff)
        return try await store.interviewBookings(periodID: try await period().id)
    }

    /// The applicant's own interview; `no-interview` while they have none.
    public func interview(accountID: Int64) async throws -> InterviewView {
        let (periodID, booking, panel) = try await ownInterview(accountID)
        let deadline = booking.slot.start - Int64(settings.interviewMoveDeadlineHours) * 3_600_000
        let at = now
        let canMove = booking.movedAt == nil && at < deadline
        var free: [InterviewSlot] = []
        if canMove {
            let taken = Set(try await store.interviewBookings(periodID: periodID).map(\.slot))
            free = ((try? panel.slots()) ?? []).filter { $0.start > at && !taken.contains($0) }
        }
        return InterviewView(booking: booking, panel: panel, moveDeadline: deadline, canMove: canMove, freeSlots: free)
    }

    /// The applicant's invitation as an iCalendar file (`METHOD:REQUEST`, `SEQUENCE` the
    /// number of changes).
    /// A withdrawn interview not booked again gives its `METHOD:CANCEL`, one sequence on.
    public func interviewCalendar(accountID: Int64) async throws -> InterviewInvitation {
        let account = try await account(id: accountID)
        do {
            let (periodID, booking, panel) = try await ownInterview(accountID)
            return invitation(booking, panel: panel, periodID: periodID, attendee: (account.name, account.email))
        } catch let error as RegistrationError where error.code == "no-interview" {
            guard let (withdrawn, panel) = try await withdrawnInterview(accountID: accountID) else { throw error }
            return invitation(withdrawn, panel: panel, periodID: try await period().id, attendee: (account.name, account.email), method: .cancel)
        }
    }

    /// The applicant's interview that was withdrawn and not yet booked again (its sequence
    /// that of the cancellation, `movedAt` when it was withdrawn), or nil.
    public func withdrawnInterview(accountID: Int64) async throws -> (booking: InterviewBooking, panel: InterviewPanel)? {
        let period = try await period()
        let application = try await requireApplication(accountID)
        guard let number = application.assignment?.participantNumber,
            let withdrawn = try await store.interviewWithdrawals(periodID: period.id).first(where: { $0.participantNumber == number }),
            let panel = try await store.interviewPanels(periodID: period.id).first(where: { $0.id == withdrawn.slot.panelID })
        else { return nil }
        return (withdrawn, panel)
    }

    /// Moves the applicant's interview to the panel's slot starting at `start`, once and
    /// before the deadline (`InterviewMoveRule`); the store gives a slot to one candidate
    /// only. The new time is mailed. Audited as `interview.move`.
    public func moveInterview(accountID: Int64, start: Int64) async throws -> InterviewBooking {
        let (periodID, booking, panel) = try await ownInterview(accountID)
        let account = try await account(id: accountID)
        // A start no calendar reads (a client sent Int64.max) is refused before any sum on it.
        guard IndonesianTimeZone.readableRange.contains(start) else {
            throw RegistrationError.invalid("slot-outside-hours", "Waktu slot itu tidak terbaca sebagai tanggal; pilih salah satu slot yang kosong.")
        }
        let target = InterviewSlot(panelID: panel.id, start: start, end: start + Int64(panel.slotMinutes) * 60_000)
        if let refusal = InterviewMoveRule.refusal(booking, to: target, panel: panel, now: now, deadlineHours: settings.interviewMoveDeadlineHours) {
            throw refusal
        }
        var moved = booking
        moved.slot = target
        moved.sequence += 1
        return try await store.moveInterview(
            periodID: periodID,
            participantNumber: booking.participantNumber,
            from: booking.slot,
            to: target,
            now: now,
            mail: interviewMail(moved, panel: panel, to: (account.name, account.email), changed: true),
            audit: AuditEntry(
                at: now,
                actor: booking.participantNumber,
                role: "applicant",
                action: "interview.move",
                subject: "interview:\(booking.participantNumber)",
                detail: "\(InterviewPanel.localText(booking.slot.start, panel.zone)) → \(InterviewPanel.localText(start, panel.zone)), panel \(panel.id)"
            )
        )
    }

    // MARK: - Interviewers

    /// One interview on an interviewer's list: who (name and formation only), when, and
    /// the score given so far.
    public struct InterviewerRow: Sendable {
        public let booking: InterviewBooking
        public let panel: InterviewPanel
        public let name: String
        public let formationID: String
        public let score: SKBComponentScore?
        /// The interview rubric of the candidate's SKB plan; nil when the plan has no interview.
        public let rubric: SKBPlan.Component?
    }

    /// The interviews of the panels the interviewer sits on (on `day` in each panel's
    /// zone, or all), in time order; nothing of any other panel.
    public func interviewerDay(staff: StaffAccount, day: LocalDate?) async throws -> [InterviewerRow] {
        guard staff.role == .interviewer else { throw RegistrationError.forbidden }
        let period = try await period()
        let panels = try await store.interviewPanels(periodID: period.id).filter { $0.interviewers.contains(staff.username) }
        let byID = Dictionary(uniqueKeysWithValues: panels.map { ($0.id, $0) })
        let bookings = try await store.interviewBookings(periodID: period.id).filter { booking in
            guard let panel = byID[booking.slot.panelID] else { return false }
            return day.map { InterviewPanel.localText(booking.slot.start, panel.zone).hasPrefix($0.description) } ?? true
        }
        let numbers = Set(bookings.map(\.participantNumber))
        let contacts = try await store.applicantContacts(periodID: period.id, participantNumbers: Array(numbers))
        let formations = Dictionary(
            try await store.rankedApplicants(periodID: period.id).filter { numbers.contains($0.participantNumber) }.map {
                ($0.participantNumber, $0.formationID)
            },
            uniquingKeysWith: { first, _ in first }
        )
        let scores = Dictionary(
            try await store.skbScores(periodID: period.id).filter { $0.component == .interview && numbers.contains($0.participantNumber) }.map {
                ($0.participantNumber, $0)
            },
            uniquingKeysWith: { first, _ in first }
        )
        var rubrics: [String: SKBPlan.Component] = [:]
        for id in Set(formations.values) { rubrics[id] = try? await skbComponent(formationID: id, .interview) }
        return bookings.map { booking in
            let formationID = formations[booking.participantNumber] ?? ""
            return InterviewerRow(
                booking: booking,
                panel: byID[booking.slot.panelID]!,
                name: contacts[booking.participantNumber]?.name ?? "",
                formationID: formationID,
                score: scores[booking.participantNumber],
                rubric: rubrics[formationID]
            )
        }
    }

    /// An interviewer scores a candidate of their own panel against the interview rubric
    /// of the candidate's SKB plan (every criterion, each within its range), or marks them
    /// absent; from the interview's start, until the final announcement. A change replaces
    /// the score; each entry is audited as `skb.score` with the marks and what it replaced.
    public func enterInterviewScore(
        staff: StaffAccount,
        participantNumber: String,
        marks: [String: Int],
        absent: Bool
    ) async throws -> (score: SKBComponentScore, maximum: Int) {
        guard staff.role == .interviewer else { throw RegistrationError.forbidden }
        let period = try await period()
        // Another panel's candidate is as unknown to this interviewer as a wrong number.
        guard let booking = try await store.interviewBooking(periodID: period.id, participantNumber: participantNumber),
            let panel = try await store.interviewPanels(periodID: period.id).first(where: { $0.id == booking.slot.panelID }),
            panel.interviewers.contains(staff.username),
            // One who declared a conflict with the candidate does not score them.
            try await !store.interviewConflicts(periodID: period.id).contains(where: {
                $0.interviewer == staff.username && $0.participantNumber == participantNumber
            })
        else { throw RegistrationError.notFound }
        guard now >= booking.slot.start else {
            throw RegistrationError(
                "interview-not-started",
                kind: .conflict,
                "Wawancara peserta \(participantNumber) baru dimulai \(InterviewPanel.localText(booking.slot.start, panel.zone)); nilai diisi sesudahnya."
            )
        }
        guard let applicant = try await store.rankedApplicants(periodID: period.id).first(where: { $0.participantNumber == participantNumber })
        else { throw RegistrationError.notFound }
        return try await scoreByRubric(
            staff: staff,
            periodID: period.id,
            participantNumber: participantNumber,
            formationID: applicant.formationID,
            kind: .interview,
            marks: marks,
            absent: absent,
            note: ", panel \(panel.id)"
        )
    }

    /// An interviewer declares that they may not interview a candidate of the SKB list
    /// (reason required): scheduling never seats them together, and a booking the candidate
    /// already has on one of the interviewer's panels is withdrawn at once (a cancellation
    /// mailed, the calendar's `METHOD:CANCEL`), to be placed again by the next scheduling
    /// run. Declaring again restates the reason. Audited as `interview.conflict`. Returns
    /// the withdrawn booking and its panel, if there was one.
    public func declareInterviewConflict(
        staff: StaffAccount,
        participantNumber: String,
        reason: String
    ) async throws -> (booking: InterviewBooking, panel: InterviewPanel)? {
        guard staff.role == .interviewer else { throw RegistrationError.forbidden }
        let period = try await period()
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw RegistrationError.invalid("conflict-reason", "Tuliskan alasan konflik kepentingan (1-500 karakter).")
        }
        guard try await skbShortlist(periodID: period.id).contains(where: { $0.participantNumber == participantNumber }) else {
            throw RegistrationError("unknown-participant", kind: .notFound, "Peserta \(participantNumber) tidak ada di daftar peserta SKB.")
        }
        var withdrawing: (booking: InterviewBooking, panel: InterviewPanel)?
        var mail: Mail?
        var detail = "peserta \(participantNumber): \(reason)"
        if let booking = try await store.interviewBooking(periodID: period.id, participantNumber: participantNumber),
            let panel = try await store.interviewPanels(periodID: period.id).first(where: { $0.id == booking.slot.panelID }),
            panel.interviewers.contains(staff.username)
        {
            // A held interview is not taken back by a late declaration: the committee decides.
            guard now < booking.slot.start else {
                throw RegistrationError(
                    "interview-held",
                    kind: .conflict,
                    "Wawancara peserta \(participantNumber) di panel Anda sudah dimulai \(InterviewPanel.localText(booking.slot.start, panel.zone)); laporkan konflik kepentingan ini kepada panitia."
                )
            }
            withdrawing = (booking, panel)
            detail += "; jadwal \(InterviewPanel.localText(booking.slot.start, panel.zone)) panel \(panel.id) ditarik"
            if let contact = try await store.applicantContacts(periodID: period.id, participantNumbers: [participantNumber])[participantNumber] {
                mail = withdrawalMail(booking, panel: panel, to: contact)
            }
        }
        try await store.declareInterviewConflict(
            InterviewConflict(interviewer: staff.username, participantNumber: participantNumber, reason: reason, declaredAt: now),
            periodID: period.id,
            withdrawing: withdrawing?.booking,
            mail: mail,
            audit: audit(staff, "interview.conflict", "interview:\(participantNumber)", detail)
        )
        return withdrawing
    }

    /// The interviewer's own declarations; every declaration for an admin.
    public func interviewConflicts(staff: StaffAccount) async throws -> [InterviewConflict] {
        guard [.interviewer, .admin].contains(staff.role) else { throw RegistrationError.forbidden }
        let all = try await store.interviewConflicts(periodID: try await period().id)
        return staff.role == .admin ? all : all.filter { $0.interviewer == staff.username }
    }

    // MARK: - Parts

    func ownInterview(_ accountID: Int64) async throws -> (periodID: String, booking: InterviewBooking, panel: InterviewPanel) {
        let period = try await period()
        let application = try await requireApplication(accountID)
        guard let number = application.assignment?.participantNumber,
            let booking = try await store.interviewBooking(periodID: period.id, participantNumber: number)
        else { throw RegistrationError("no-interview", kind: .notFound, "Anda belum mempunyai jadwal wawancara.") }
        guard let panel = try await store.interviewPanels(periodID: period.id).first(where: { $0.id == booking.slot.panelID }) else {
            throw RegistrationError.notFound
        }
        return (period.id, booking, panel)
    }

    /// Those the latest public SKD announcement sent on to the SKB (its within-cut-off code).
    func skbShortlist(periodID: String) async throws -> [Announcement.Row] {
        guard let latest = try await store.announcements(periodID: periodID, stage: Self.skdStage, visibleAt: now).last,
            let file = try await store.announcementFile(periodID: periodID, stage: Self.skdStage, version: latest.version, visibleAt: now)
        else {
            throw RegistrationError("skd-not-announced", kind: .conflict, "Hasil SKD belum diumumkan; peserta SKB belum diketahui.")
        }
        let published = try JSONDecoder().decode(PublishedAnnouncement.self, from: file)
        let code = try resultCodes().skd(.withinCutOff).code
        return published.announcement.rows.filter { $0.code == code }
    }

    /// The candidates with their exam session as a time they are taken.
    func interviewCandidates(_ rows: [Announcement.Row], periodID: String) async throws -> [InterviewCandidate] {
        let slots = Dictionary(uniqueKeysWithValues: try await store.slots(periodID: periodID).map { ($0.id, $0) })
        let seats = Dictionary(
            try await store.rankedApplicants(periodID: periodID).map { ($0.participantNumber, $0.slotID) },
            uniquingKeysWith: { first, _ in first }
        )
        let minutes = Int64((try? examRuleSet().durationMinutes) ?? 0)
        return rows.map { row in
            var busy: [Range<Int64>] = []
            if let slotID = seats[row.participantNumber] ?? nil, let slot = slots[slotID] {
                busy.append(slot.startsAt..<slot.startsAt + max(1, minutes) * 60_000)
            }
            return InterviewCandidate(participantNumber: row.participantNumber, formationID: row.formationID, busy: busy)
        }
    }

    func invitation(
        _ booking: InterviewBooking,
        panel: InterviewPanel,
        periodID: String,
        attendee: (name: String, email: String),
        method: InterviewInvitation.Method = .request
    ) -> InterviewInvitation {
        let link = panel.place.hasPrefix("https://") ? panel.place : nil
        return InterviewInvitation(
            method: method,
            uid: booking.uid(periodID: periodID),
            sequence: booking.sequence,
            stamp: booking.movedAt ?? booking.bookedAt,
            slot: booking.slot,
            zone: panel.zone,
            summary: "Wawancara SKB (\(booking.participantNumber))",
            location: link == nil ? panel.place : "Rapat video",
            link: link,
            description: "Peserta \(booking.participantNumber), panel \(panel.id). Bawa kartu ujian dan KTP asli.",
            organizer: .init(name: "Panitia Seleksi", email: "panitia@seleksi.go.id"),
            attendee: .init(name: attendee.name, email: attendee.email)
        )
    }

    func withdrawalMail(_ booking: InterviewBooking, panel: InterviewPanel, to contact: (name: String, email: String)) -> Mail {
        Mail(
            to: contact.email,
            subject: "Jadwal wawancara Anda ditarik: \(InterviewPanel.localText(booking.slot.start, panel.zone))",
            body: """
                Yth. \(contact.name),

                Jadwal wawancara SKB Anda (peserta \(booking.participantNumber)) pada \(InterviewPanel.localText(booking.slot.start, panel.zone)) ditarik oleh panitia, karena salah satu pewawancara panelnya tidak boleh mewawancarai Anda. Ini bukan kesalahan Anda dan tidak mengurangi nilai Anda.

                Jadwal pengganti dikirim begitu panitia menjadwalkan ulang. Undangan kalender yang diperbarui (pembatalan): \(settings.publicURL ?? "")/api/interview/calendar.ics
                """,
            createdAt: now
        )
    }

    func interviewMail(_ booking: InterviewBooking, panel: InterviewPanel, to contact: (name: String, email: String), changed: Bool) -> Mail {
        let when = InterviewPanel.localText(booking.slot.start, panel.zone)
        let base = settings.publicURL ?? ""
        return Mail(
            to: contact.email,
            subject: changed ? "Jadwal wawancara Anda dipindah: \(when)" : "Jadwal wawancara SKB: \(when)",
            body: """
                Yth. \(contact.name),

                Wawancara SKB Anda (peserta \(booking.participantNumber)): \(when), \(panel.slotMinutes) menit.
                Tempat: \(panel.place)

                Undangan kalender: \(base)/api/interview/calendar.ics
                Anda dapat memindah jadwal satu kali, paling lambat \(settings.interviewMoveDeadlineHours) jam sebelum wawancara, di halaman lamaran Anda.
                """,
            createdAt: now
        )
    }
}
