/// Everything the portal refuses: a machine-readable code, an HTTP status and an
/// Indonesian message the applicant or the staff member can act on.
public struct RegistrationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let status: Int
    public let message: String

    public init(_ code: String, status: Int, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func invalid(_ code: String, _ message: String) -> Self { Self(code, status: 422, message) }

    // MARK: - Accounts and sessions

    public static let duplicateNIK = Self("duplicate-nik", status: 409, "NIK ini sudah terdaftar pada periode seleksi ini. Satu NIK hanya boleh memiliki satu akun.")
    public static let duplicateEmail = Self("duplicate-email", status: 409, "Alamat email ini sudah dipakai akun lain.")
    public static let wrongLogin = Self("wrong-credentials", status: 401, "NIK/email atau kata sandi salah.")
    public static let wrongStaffLogin = Self("wrong-credentials", status: 401, "Nama pengguna, kata sandi, atau kode autentikator salah.")
    public static func tooManyAttempts(minutes: Int) -> Self {
        Self("too-many-attempts", status: 429, "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam \(minutes) menit.")
    }
    /// Over a limit, a sign-in is never refused outright: whoever has the right password
    /// also gets a code by email. The answer is the same either way, so it tells a guesser nothing.
    public static func signInCodeRequired(minutes: Int) -> Self {
        Self(
            "sign-in-code-required", status: 429,
            "Terlalu banyak percobaan masuk yang gagal dari jaringan ini atau untuk akun ini. Jika kata sandi Anda benar, kode masuk sudah kami kirim ke email akun Anda (berlaku \(minutes) menit): masukkan kode itu untuk masuk.")
    }
    public static let tooManySignUps = Self(
        "too-many-sign-ups", status: 429, "Terlalu banyak akun dibuat dari alamat jaringan ini dalam satu jam terakhir. Coba lagi nanti.")
    public static let wrongCode = Self("invalid-code", status: 422, "Kode tidak berlaku atau sudah kedaluwarsa.")
    public static let emailNotVerified = Self("email-not-verified", status: 403, "Verifikasi alamat email Anda terlebih dahulu (kode dikirim ke email Anda).")
    public static let unauthenticated = Self("unauthenticated", status: 401, "Silakan masuk terlebih dahulu.")
    public static let forbidden = Self("forbidden", status: 403, "Anda tidak berwenang untuk tindakan ini.")
    public static let crossSite = Self("cross-site", status: 403, "Permintaan dari situs lain ditolak. Buka halaman ini langsung dari alamat portal.")
    public static let badCSRF = Self("invalid-csrf", status: 403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")

    // MARK: - Timetable

    public static func outsideWindow(_ what: String, _ window: Window) -> Self {
        Self("outside-window", status: 409, "\(what) hanya dapat dilakukan \(window.indonesian).")
    }
    public static let noPeriod = Self("no-period", status: 409, "Belum ada periode seleksi yang dibuka.")

    // MARK: - Applications

    public static let notFound = Self("not-found", status: 404, "Data tidak ditemukan.")
    public static let unknownFormation = Self("unknown-formation", status: 422, "Formasi tidak ditemukan pada periode ini.")
    public static let noApplication = Self("no-application", status: 404, "Anda belum membuat lamaran.")
    public static let secondApplication = Self("second-application", status: 409, "Anda sudah melamar formasi lain pada periode ini. Satu pelamar hanya boleh melamar satu formasi.")
    public static let locked = Self("application-locked", status: 409, "Pendaftaran sudah diakhiri; lamaran tidak dapat diubah lagi.")
    public static func ineligible(_ reasons: [String]) -> Self {
        Self("not-eligible", status: 422, "Anda tidak memenuhi syarat formasi ini: " + reasons.joined(separator: "; "))
    }
    public static func missingDocuments(_ labels: [String]) -> Self {
        Self("missing-documents", status: 422, "Dokumen belum lengkap: " + labels.joined(separator: ", ") + ".")
    }
    public static let unknownDocument = Self("unknown-document", status: 404, "Jenis dokumen itu tidak diminta.")
    public static func wrongFileType(_ label: String, expected: String) -> Self {
        Self("wrong-file-type", status: 415, "\(label) harus berkas \(expected); isi berkas yang dikirim bukan \(expected).")
    }
    public static func fileTooLarge(_ label: String, maxKB: Int) -> Self {
        Self("file-too-large", status: 413, "\(label) paling besar \(maxKB) KB.")
    }
    public static let emptyFile = Self("empty-file", status: 422, "Berkas kosong.")

    // MARK: - Verification and objections

    public static let notSubmitted = Self("not-submitted", status: 409, "Lamaran ini belum diakhiri pendaftarannya.")
    public static let alreadyVerified = Self("already-verified", status: 409, "Lamaran ini sudah diverifikasi.")
    public static let unknownReason = Self("unknown-reason", status: 422, "Alasan TMS harus dipilih dari daftar.")
    public static let resultNotAnnounced = Self("not-announced", status: 409, "Hasil seleksi administrasi belum diumumkan.")
    public static let objectionNotAllowed = Self("objection-not-allowed", status: 409, "Sanggahan hanya untuk lamaran dengan hasil TMS.")
    public static let objectionTwice = Self("objection-twice", status: 409, "Sanggahan hanya dapat diajukan satu kali.")
    public static func objectionClosed(_ deadline: Int64) -> Self {
        Self("objection-closed", status: 409, "Masa sanggah berakhir \(IndonesianDate.dateTime(deadline)).")
    }
    public static let noObjection = Self("no-objection", status: 409, "Tidak ada sanggahan yang menunggu jawaban pada lamaran ini.")
    public static let slotFull = Self("slot-full", status: 409, "Sesi ujian itu sudah penuh.")
    public static let noFreeSlot = Self("no-free-slot", status: 409, "Tidak ada sesi ujian dengan kursi kosong di lokasi tes yang dipilih.")
    public static let notEligibleForCard = Self("no-exam-card", status: 404, "Kartu ujian belum tersedia: nomor peserta diberikan setelah dinyatakan MS dan dijadwalkan.")
}
