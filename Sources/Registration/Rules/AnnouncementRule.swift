import Crypto
import Foundation
import SeleksiCore

/// When the administrative results may be announced: once registration has closed (a
/// later application could otherwise never be decided, nor objected to), when there is
/// something to announce, and when every submitted application has its MS or TMS.
public enum AnnouncementRule {
    /// The refusal, or nil when the results may be announced now.
    public static func refusal(period: SelectionPeriod, now: Int64, submitted: Int, undecided: Int) -> RegistrationError? {
        if let announced = period.resultsAnnouncedAt {
            return RegistrationError(
                "already-announced",
                kind: .conflict,
                "Hasil administrasi sudah diumumkan \(IndonesianDate.dateTime(announced)); pengumuman tidak diulang."
            )
        }
        if now <= period.registration.closes {
            return RegistrationError(
                "registration-open",
                kind: .conflict,
                "Pendaftaran masih dibuka sampai \(IndonesianDate.dateTime(period.registration.closes)); hasil administrasi baru dapat diumumkan setelah pendaftaran ditutup."
            )
        }
        if submitted == 0 {
            return RegistrationError("nothing-to-announce", kind: .conflict, "Belum ada lamaran yang diakhiri pendaftarannya; tidak ada hasil untuk diumumkan.")
        }
        if undecided > 0 {
            return RegistrationError(
                "verification-pending",
                kind: .conflict,
                "Masih ada \(undecided) lamaran yang belum diverifikasi; hasil belum dapat diumumkan."
            )
        }
        return nil
    }

    /// SHA-256 over every submitted application's decision (`id:result`, in id order): what
    /// the admin confirmed, checked again inside the announcement's own transaction, so a
    /// decision changed in between (even one that leaves the MS and TMS counts as they
    /// were) asks for a new confirmation.
    public static func decisionsDigest(_ decisions: some Sequence<(id: Int64, result: String?)>) -> String {
        var hash = SHA256()
        for (id, result) in decisions { hash.update(data: Data("\(id):\(result ?? "-")\n".utf8)) }
        return Hex.encode(hash.finalize())
    }

    public static func decisionsChanged() -> RegistrationError {
        RegistrationError(
            "decisions-changed",
            kind: .conflict,
            "Keputusan verifikasi berubah sejak konfirmasi tadi. Periksa lagi sebelum mengumumkan."
        )
    }
}
