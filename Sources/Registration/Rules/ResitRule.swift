import Foundation
public import SeleksiCore

/// A re-sit after an incident (a power cut that ended a room's attempts, a broken PC): a
/// committee admin's decision, never a seat move. It moves the participant from a session
/// whose roster is already fixed to a later one that is not, with the reason on record;
/// the roster package carries it to the node, and the new attempt replaces the old one's
/// result. Pure: what may be granted, and which attempt counts.
public enum ResitRule {
    public static let reasonLength = 10...500

    /// Why a re-sit from `current` to `target` may not be granted, or nil.
    public static func refusal(
        from current: ExamSlot,
        to target: ExamSlot,
        periodID: String,
        reason: String,
        now: Int64,
        freezeMilliseconds: Int64
    ) -> RegistrationError? {
        guard reasonLength.contains(reason.trimmingCharacters(in: .whitespacesAndNewlines).count) else {
            return .invalid(
                "invalid-reason",
                "Tuliskan alasan ujian ulang (insidennya), \(reasonLength.lowerBound) sampai \(reasonLength.upperBound) karakter."
            )
        }
        guard target.periodID == periodID else { return .notFound }
        guard SeatAssigner.isRosterFixed(current, now: now, freezeMilliseconds: freezeMilliseconds) else {
            return RegistrationError(
                "resit-not-needed",
                kind: .conflict,
                "Sesi \(current.id) belum dimulai (\(current.localStart)); ujian ulang hanya untuk insiden di sesi yang sudah berjalan (sebelum itu kursi dapat dipindah)."
            )
        }
        guard target.id != current.id, !SeatAssigner.isRosterFixed(target, now: now, freezeMilliseconds: freezeMilliseconds) else {
            return RegistrationError(
                "session-roster-fixed",
                kind: .conflict,
                "Ujian ulang harus di sesi yang belum dimulai; sesi \(target.id) dimulai \(target.localStart) dan daftar pesertanya sudah tetap."
            )
        }
        guard target.assigned < target.capacity else { return .slotFull }
        return nil
    }

    /// The result that counts among a participant's results: one replaced by a re-sit
    /// (another result names its session in `resitOf`) does not; of the rest, an attempt
    /// before an absence (absent from a session one was moved out of is no attempt).
    public static func counting(_ results: [ExamResult]) -> ExamResult? {
        let replaced = Set(results.compactMap(\.resitOf))
        let standing = results.filter { !replaced.contains($0.sessionID) }
        return standing.first { $0.status != .absent } ?? standing.first
    }
}
