public import SeleksiCore

/// Seats eligible applicants in exam slots and gives each a participant number, as a pure
/// calculation the store runs inside one transaction. Applicants are seated in the order
/// they ended registration; each goes to the earliest slot at their chosen test location
/// that still has room; whoever finds none stays unplaced (and is counted) until the
/// committee adds a slot. Numbers are consecutive from the period's next serial.
public enum SeatAssigner {
    public struct Waiting: Sendable, Hashable {
        public let applicationID: Int64
        public let testLocation: String

        public init(applicationID: Int64, testLocation: String) {
            self.applicationID = applicationID
            self.testLocation = testLocation
        }
    }

    /// A submitted application without a seat, as the store finds it.
    public struct Submitted: Sendable, Hashable {
        public let applicationID: Int64
        public let result: VerificationResult?
        public let objectionPending: Bool
        public let submittedAt: Int64
        public let testLocation: String

        public init(applicationID: Int64, result: VerificationResult?, objectionPending: Bool, submittedAt: Int64, testLocation: String) {
            self.applicationID = applicationID
            self.result = result
            self.objectionPending = objectionPending
            self.submittedAt = submittedAt
            self.testLocation = testLocation
        }
    }

    /// Who gets a seat, in seating order: an MS result whose objection (if any) has been
    /// answered, in the order registration was ended (ties by application number). A TMS,
    /// an undecided application or one whose objection is still open waits.
    public static func waiting(_ submitted: [Submitted]) -> [Waiting] {
        submitted.filter { $0.result == .ms && !$0.objectionPending }
            .sorted { ($0.submittedAt, $0.applicationID) < ($1.submittedAt, $1.applicationID) }
            .map { Waiting(applicationID: $0.applicationID, testLocation: $0.testLocation) }
    }

    public struct Placement: Sendable, Hashable {
        public let applicationID: Int64
        public let slotID: String
        public let participantNumber: String
    }

    public struct Outcome: Sendable, Hashable {
        public var placements: [Placement] = []
        public var unplaced = 0
        /// The serial the next number will use.
        public var nextSerial: Int
    }

    /// - Parameters:
    ///   - waiting: eligible applicants without a seat, in the order they ended registration.
    ///   - slots: the period's slots with their current `assigned` counts, in time order.
    public static func assign(waiting: [Waiting], slots: [ExamSlot], prefix: String, nextSerial: Int) -> Outcome {
        var slots = slots
        var outcome = Outcome(nextSerial: nextSerial)
        for applicant in waiting {
            guard let index = slots.firstIndex(where: { $0.location == applicant.testLocation && $0.assigned < $0.capacity }) else {
                outcome.unplaced += 1
                continue
            }
            slots[index].assigned += 1
            outcome.placements.append(
                Placement(
                    applicationID: applicant.applicationID,
                    slotID: slots[index].id,
                    participantNumber: ParticipantNumber.make(prefix: prefix, serial: outcome.nextSerial)
                )
            )
            outcome.nextSerial += 1
        }
        return outcome
    }

    /// Whether a session's roster is fixed: from `freezeMilliseconds` before its start (a
    /// venue may open early, and an exam node refuses to change an open session's roster).
    public static func isRosterFixed(_ slot: ExamSlot, now: Int64, freezeMilliseconds: Int64) -> Bool {
        now >= slot.startsAt - freezeMilliseconds
    }

    /// Why an applicant may not be moved from `old` to `target` (another period, full, or
    /// either session's roster already fixed), or nil.
    public static func moveRefusal(from old: ExamSlot, to target: ExamSlot, periodID: String, now: Int64, freezeMilliseconds: Int64) -> RegistrationError? {
        guard target.periodID == periodID else { return .notFound }
        for slot in [old, target] where isRosterFixed(slot, now: now, freezeMilliseconds: freezeMilliseconds) {
            return RegistrationError(
                "session-roster-fixed",
                kind: .conflict,
                "Sesi \(slot.id) dimulai \(slot.localStart); daftar pesertanya sudah tetap sejak \(freezeMilliseconds / 60_000) menit sebelumnya, jadi kursi tidak dapat dipindah dari atau ke sesi itu."
            )
        }
        guard target.assigned < target.capacity else { return .slotFull }
        return nil
    }
}

/// What a committee may change in a formation or a slot once applicants depend on it.
public enum TimetableEditRule {
    /// A formation already applied to keeps its agency, education, programmes, type and age
    /// limit (applicants were checked against them); its code is never reused across periods.
    public static func formationRefusal(existing: Formation?, proposed: Formation, applicants: Int) -> RegistrationError? {
        guard let existing else { return nil }
        guard existing.periodID == proposed.periodID else {
            return RegistrationError("formation-in-other-period", kind: .conflict, "Kode formasi \(proposed.id) sudah dipakai pada periode lain.")
        }
        let changed =
            existing.agencyID != proposed.agencyID || existing.educationLevel != proposed.educationLevel || Set(existing.majors) != Set(proposed.majors)
            || existing.type != proposed.type || existing.maxAge != proposed.maxAge
        guard applicants > 0, changed else { return nil }
        return RegistrationError(
            "formation-has-applicants",
            kind: .conflict,
            "Formasi \(proposed.id) sudah dilamar \(applicants) orang: instansi, pendidikan, program studi, jenis dan batas usianya tidak dapat diubah lagi."
        )
    }

    /// A slot's capacity never drops below the applicants already seated in it; once its
    /// roster is fixed (or the change would fix it) a slot with applicants keeps its place,
    /// time and session: their exam cards and the node's roster say so.
    public static func slotRefusal(existing: ExamSlot?, proposed: ExamSlot, now: Int64, freezeMilliseconds: Int64) -> RegistrationError? {
        guard let existing else { return nil }
        guard existing.periodID == proposed.periodID else {
            return RegistrationError("slot-in-other-period", kind: .conflict, "Kode sesi \(proposed.id) sudah dipakai pada periode lain.")
        }
        guard existing.assigned <= proposed.capacity else {
            return RegistrationError(
                "capacity-below-assigned",
                kind: .conflict,
                "Kapasitas \(proposed.capacity) lebih kecil dari \(existing.assigned) peserta yang sudah dijadwalkan di sesi ini."
            )
        }
        let moved =
            existing.venue != proposed.venue || existing.location != proposed.location || existing.startsAt != proposed.startsAt
            || existing.timeZone != proposed.timeZone || existing.sessionNumber != proposed.sessionNumber
        let fixed = [existing, proposed].contains { SeatAssigner.isRosterFixed($0, now: now, freezeMilliseconds: freezeMilliseconds) }
        guard moved, fixed, existing.assigned > 0 else { return nil }
        return RegistrationError(
            "session-roster-fixed",
            kind: .conflict,
            "Sesi \(existing.id) dimulai \(existing.localStart) dengan \(existing.assigned) peserta; daftar pesertanya tetap sejak \(freezeMilliseconds / 60_000) menit sebelumnya, jadi tempat, waktu dan nomor sesinya tidak dapat diubah lagi (kartu ujian dan daftar di node sudah memuatnya)."
        )
    }
}

/// Ending registration needs every required document.
public enum SubmissionRule {
    /// - Parameter required: kind → label, from the configuration.
    public static func refusal(required: [String: String], present: Set<String>) -> RegistrationError? {
        let missing = required.keys.sorted().filter { !present.contains($0) }.compactMap { required[$0] }
        return missing.isEmpty ? nil : .missingDocuments(missing)
    }
}
