public import Selection
import SeleksiCore

/// When a candidate may move their interview (domain stage 6): once, until `deadlineHours`
/// before the booked time, to another future slot of the same panel. Whether that slot is
/// still free is the store's to decide, under its unique key: two candidates asking for the
/// last one at once cannot both get it.
public enum InterviewMoveRule {
    public static func refusal(
        _ booking: InterviewBooking,
        to slot: InterviewSlot,
        panel: InterviewPanel,
        now: Int64,
        deadlineHours: Int
    ) -> RegistrationError? {
        if booking.movedAt != nil {
            return RegistrationError("interview-moved-once", kind: .conflict, "Jadwal wawancara hanya dapat dipindah satu kali, dan sudah Anda pindah.")
        }
        let deadline = booking.slot.start - Int64(deadlineHours) * 3_600_000
        if now >= deadline {
            return RegistrationError(
                "interview-move-closed",
                kind: .conflict,
                "Batas pindah jadwal sudah lewat (\(deadlineHours) jam sebelum wawancara: \(InterviewPanel.localText(deadline, panel.zone)))."
            )
        }
        if slot.panelID != booking.slot.panelID {
            return .invalid("interview-other-panel", "Jadwal hanya dapat dipindah ke slot lain pada panel yang sama (\(booking.slot.panelID)).")
        }
        if slot == booking.slot { return .invalid("interview-same-slot", "Itu slot Anda sekarang; pilih slot lain.") }
        if slot.start <= now { return .invalid("interview-slot-past", "Slot itu sudah lewat; pilih slot yang akan datang.") }
        do { try panel.check(slot) } catch { return .invalid(error.code, error.message) }
        return nil
    }

    public static let slotTaken = RegistrationError(
        "interview-slot-taken",
        kind: .conflict,
        "Slot itu baru saja diambil peserta lain; pilih slot lain yang masih kosong."
    )
}
