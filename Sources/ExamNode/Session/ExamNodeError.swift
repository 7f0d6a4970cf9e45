public import SeleksiCore

/// Everything the node refuses, each with a machine-readable code, its kind (the HTTP
/// edge maps kinds to statuses) and an Indonesian message a candidate or a proctor can act on.
public struct ExamNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let kind: ErrorKind
    public let message: String

    public init(_ code: String, kind: ErrorKind, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    // MARK: - Candidates

    public static let wrongCredentials = ExamNodeError("wrong-credentials", kind: .unauthenticated, "Nomor peserta, PIN sesi, atau kode akses salah.")
    public static func lockedOut(seconds: Int64) -> ExamNodeError {
        ExamNodeError("too-many-attempts", kind: .tooMany, "Terlalu banyak percobaan masuk. Coba lagi dalam \(max(1, seconds)) detik atau hubungi pengawas.")
    }
    public static let otherDevice = ExamNodeError(
        "device-in-use",
        kind: .conflict,
        "Peserta ini sudah masuk dari perangkat lain. Minta pengawas mengatur ulang perangkat Anda."
    )
    public static let badToken = ExamNodeError("invalid-token", kind: .unauthenticated, "Sesi masuk tidak berlaku. Silakan masuk kembali.")
    public static let sessionNotOpen = ExamNodeError("session-not-open", kind: .conflict, "Sesi ujian belum dibuka oleh pengawas.")
    public static let sessionClosed = ExamNodeError("session-closed", kind: .conflict, "Sesi ujian sudah ditutup.")
    public static let sessionPaused = ExamNodeError(
        "session-paused",
        kind: .conflict,
        "Ujian sedang dihentikan sementara oleh pengawas. Waktu Anda tidak berjalan; jawaban Anda aman."
    )
    static func unknownItem(_ id: String) -> ExamNodeError {
        ExamNodeError("paper-item-missing", kind: .internal, "Soal \(id) dari naskah tidak ada di bank soal node ini.")
    }
    public static let itemNotInPaper = ExamNodeError("item-not-in-paper", kind: .invalid, "Soal itu tidak ada dalam naskah Anda.")
    public static let optionOutOfRange = ExamNodeError("option-out-of-range", kind: .invalid, "Pilihan jawaban itu tidak ada pada soal ini.")
    public static func lateStart(limitMinutes: Int64) -> ExamNodeError {
        ExamNodeError(
            "late-start",
            kind: .conflict,
            "Batas keterlambatan \(limitMinutes) menit sejak sesi dibuka sudah lewat; ujian tidak dapat dimulai. Hubungi pengawas."
        )
    }
    public static let timeUp = ExamNodeError(
        "time-up",
        kind: .conflict,
        "Waktu ujian sudah habis. Jawaban ini tidak disimpan; jawaban sebelumnya tetap tersimpan."
    )
    public static let alreadyFinished = ExamNodeError("already-finished", kind: .conflict, "Ujian Anda sudah selesai.")
    public static let badSequence = ExamNodeError("invalid-sequence", kind: .invalid, "Nomor urut jawaban tidak valid.")

    // MARK: - Proctors

    public static let proctorUnauthorized = ExamNodeError("proctor-unauthorized", kind: .unauthenticated, "Masuk sebagai pengawas diperlukan.")
    public static let bankChanged = ExamNodeError(
        "bank-changed",
        kind: .conflict,
        "Bank soal di node ini berbeda dari saat naskah Anda disusun (isi, kunci atau gambar soal berubah); hubungi pengawas. Naskah tidak ditampilkan dan waktu Anda belum berjalan."
    )
    /// A sign-in that failed says so (it said "login required", as if none had been tried).
    public static let proctorWrongLogin = ExamNodeError(
        "proctor-unauthorized",
        kind: .unauthenticated,
        "Nama pengguna, kata sandi, atau kode autentikator salah."
    )
    public static let unknownSession = ExamNodeError("unknown-session", kind: .notFound, "Sesi ujian tidak ditemukan.")
    public static let unknownCandidate = ExamNodeError("unknown-candidate", kind: .notFound, "Peserta tidak ditemukan dalam sesi ini.")
    public static func extensionCap(usedMinutes: Int64, capMinutes: Int64) -> ExamNodeError {
        ExamNodeError(
            "extension-cap",
            kind: .conflict,
            "Tambahan waktu paling banyak \(capMinutes) menit per peserta; sudah ditambah \(usedMinutes) menit. Keputusan lebih dari itu dicatat panitia, bukan di node."
        )
    }
    public static func invalid(_ detail: String) -> ExamNodeError { ExamNodeError("invalid-request", kind: .malformed, detail) }
    public static let rosterLoading = ExamNodeError(
        "roster-loading",
        kind: .conflict,
        "Daftar peserta sesi ini belum selesai dimuat; tunggu pemuatannya, atau muat paketnya lagi bila terputus."
    )
    public static let wrongState = ExamNodeError("wrong-state", kind: .conflict, "Tindakan ini tidak dapat dilakukan pada keadaan sesi sekarang.")
}
