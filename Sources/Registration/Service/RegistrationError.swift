public import SeleksiCore

/// Everything the portal refuses: a machine-readable code, its kind (the HTTP edge maps
/// kinds to statuses) and an Indonesian message the applicant or the staff member can act on.
public struct RegistrationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let kind: ErrorKind
    public let message: String

    public init(_ code: String, kind: ErrorKind, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func invalid(_ code: String, _ message: String) -> Self { Self(code, kind: .invalid, message) }

    // MARK: - Accounts and sessions

    /// The owner whose NIK someone else took is told how to get it back.
    public static let duplicateNIK = Self(
        "duplicate-nik",
        kind: .conflict,
        "NIK ini sudah terdaftar pada periode seleksi ini; satu NIK hanya boleh memiliki satu akun. Jika NIK ini milik Anda dan Anda tidak pernah membuat akun itu, ajukan klaim NIK di halaman /klaim-nik dengan pindaian KTP dan Kartu Keluarga Anda."
    )
    public static let duplicateEmail = Self("duplicate-email", kind: .conflict, "Alamat email ini sudah dipakai akun lain.")
    public static let wrongLogin = Self("wrong-credentials", kind: .unauthenticated, "NIK/email atau kata sandi salah.")
    public static let totpReused = Self(
        "totp-reused",
        kind: .unauthenticated,
        "Kode autentikator itu sudah dipakai untuk masuk. Tunggu sampai aplikasi autentikator menampilkan kode berikutnya (paling lama 30 detik), lalu masuk dengan kode baru."
    )
    public static let wrongStaffLogin = Self("wrong-credentials", kind: .unauthenticated, "Nama pengguna, kata sandi, atau kode autentikator salah.")
    public static func tooManyAttempts(minutes: Int) -> Self {
        Self("too-many-attempts", kind: .tooMany, "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam \(minutes) menit.")
    }
    /// Over a limit, a sign-in is never refused outright: whoever has the right password
    /// also gets a code by email. The answer is the same either way, so it tells a guesser nothing.
    public static func signInCodeRequired(minutes: Int) -> Self {
        Self(
            "sign-in-code-required",
            kind: .tooMany,
            "Terlalu banyak percobaan masuk yang gagal dari jaringan ini atau untuk akun ini. Jika kata sandi Anda benar, kode masuk sudah kami kirim ke email akun Anda (berlaku \(minutes) menit): masukkan kode itu untuk masuk."
        )
    }
    public static let civilRegistryMismatch = Self(
        "civil-registry-mismatch",
        kind: .invalid,
        "NIK, nomor KK, nama, dan tanggal lahir tidak cocok dengan data kependudukan (Dukcapil). Isi persis seperti pada KTP dan Kartu Keluarga."
    )
    public static let civilRegistryUnavailable = Self(
        "civil-registry-unavailable",
        kind: .unavailable,
        "Pemeriksaan data kependudukan sedang tidak dapat dilakukan. Coba lagi beberapa saat lagi."
    )
    public static let nikNotTaken = Self("nik-not-taken", kind: .conflict, "NIK ini tidak dipakai akun mana pun: Anda dapat langsung membuat akun.")
    public static let claimPending = Self(
        "claim-pending",
        kind: .conflict,
        "Sudah ada klaim untuk NIK ini yang menunggu keputusan. Keputusan dikirim ke email yang diisikan pada klaim itu."
    )
    public static let claimDecided = Self("claim-decided", kind: .conflict, "Klaim ini sudah diputuskan.")
    public static let tooManyClaims = Self(
        "too-many-claims",
        kind: .tooMany,
        "Terlalu banyak klaim NIK dari alamat jaringan ini dalam satu jam terakhir. Coba lagi nanti."
    )
    public static let tooManySignUps = Self(
        "too-many-sign-ups",
        kind: .tooMany,
        "Terlalu banyak akun dibuat dari alamat jaringan ini dalam satu jam terakhir. Coba lagi nanti."
    )
    public static let wrongCode = Self("invalid-code", kind: .invalid, "Kode tidak berlaku atau sudah kedaluwarsa.")
    public static let emailNotVerified = Self(
        "email-not-verified",
        kind: .forbidden,
        "Verifikasi alamat email Anda terlebih dahulu (kode dikirim ke email Anda)."
    )
    public static let unauthenticated = Self("unauthenticated", kind: .unauthenticated, "Silakan masuk terlebih dahulu.")
    public static let forbidden = Self("forbidden", kind: .forbidden, "Anda tidak berwenang untuk tindakan ini.")
    public static let crossSite = Self("cross-site", kind: .forbidden, "Permintaan dari situs lain ditolak. Buka halaman ini langsung dari alamat portal.")
    public static let badCSRF = Self("invalid-csrf", kind: .forbidden, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")

    // MARK: - Timetable

    public static func outsideWindow(_ what: String, _ window: Window) -> Self {
        Self("outside-window", kind: .conflict, "\(what) hanya dapat dilakukan \(window.indonesian).")
    }
    public static let noPeriod = Self("no-period", kind: .conflict, "Belum ada periode seleksi yang dibuka.")

    // MARK: - Applications

    public static let notFound = Self("not-found", kind: .notFound, "Data tidak ditemukan.")
    public static let unknownFormation = Self("unknown-formation", kind: .invalid, "Formasi tidak ditemukan pada periode ini.")
    public static let noApplication = Self("no-application", kind: .notFound, "Anda belum membuat lamaran.")
    public static let secondApplication = Self(
        "second-application",
        kind: .conflict,
        "Anda sudah melamar formasi lain pada periode ini. Satu pelamar hanya boleh melamar satu formasi."
    )
    public static let locked = Self("application-locked", kind: .conflict, "Pendaftaran sudah diakhiri; lamaran tidak dapat diubah lagi.")
    public static func ineligible(_ reasons: [String]) -> Self {
        Self("not-eligible", kind: .invalid, "Anda tidak memenuhi syarat formasi ini: " + reasons.joined(separator: "; "))
    }
    public static func missingDocuments(_ labels: [String]) -> Self {
        Self("missing-documents", kind: .invalid, "Dokumen belum lengkap: " + labels.joined(separator: ", ") + ".")
    }
    public static let unknownDocument = Self("unknown-document", kind: .notFound, "Jenis dokumen itu tidak diminta.")
    public static func wrongFileType(_ label: String, expected: String) -> Self {
        Self("wrong-file-type", kind: .unsupportedType, "\(label) harus berkas \(expected); isi berkas yang dikirim bukan \(expected).")
    }
    public static func fileTooLarge(_ document: DocumentRequirement) -> Self {
        Self("file-too-large", kind: .tooLarge, "Berkas \(document.label) terlalu besar: paling besar \(document.maxKB) KB, berkas \(document.type.label).")
    }
    public static func emptyFile(_ document: DocumentRequirement) -> Self {
        Self(
            "empty-file",
            kind: .invalid,
            "Berkas \(document.label) kosong atau belum dipilih: pilih berkas \(document.type.label), paling besar \(document.maxKB) KB."
        )
    }

    // MARK: - Verification and objections

    public static let notSubmitted = Self("not-submitted", kind: .conflict, "Lamaran ini belum diakhiri pendaftarannya.")
    public static let alreadyVerified = Self("already-verified", kind: .conflict, "Lamaran ini sudah diverifikasi.")
    public static let unknownReason = Self("unknown-reason", kind: .invalid, "Alasan TMS harus dipilih dari daftar.")
    public static let resultNotAnnounced = Self("not-announced", kind: .conflict, "Hasil seleksi administrasi belum diumumkan.")
    public static let objectionNotAllowed = Self("objection-not-allowed", kind: .conflict, "Sanggahan hanya untuk lamaran dengan hasil TMS.")
    public static let objectionTwice = Self("objection-twice", kind: .conflict, "Sanggahan hanya dapat diajukan satu kali.")
    public static func objectionClosed(_ deadline: Int64) -> Self {
        Self("objection-closed", kind: .conflict, "Masa sanggah berakhir \(IndonesianDate.dateTime(deadline)).")
    }
    public static let noObjection = Self("no-objection", kind: .conflict, "Tidak ada sanggahan yang menunggu jawaban pada lamaran ini.")
    public static let slotFull = Self("slot-full", kind: .conflict, "Sesi ujian itu sudah penuh.")
    public static let noFreeSlot = Self("no-free-slot", kind: .conflict, "Tidak ada sesi ujian dengan kursi kosong di lokasi tes yang dipilih.")
    public static let notEligibleForCard = Self(
        "no-exam-card",
        kind: .notFound,
        "Kartu ujian belum tersedia: nomor peserta diberikan setelah dinyatakan MS dan dijadwalkan."
    )
}
