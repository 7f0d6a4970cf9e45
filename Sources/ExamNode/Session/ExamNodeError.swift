public import SeleksiHTTP

/// Everything the node refuses, each with a machine-readable code, an HTTP status and
/// an Indonesian message a candidate or a proctor can act on.
public struct ExamNodeError: PublicError, Hashable, CustomStringConvertible {
    public let code: String
    public let status: Int
    public let message: String

    public init(_ code: String, status: Int, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    // MARK: - Candidates

    public static let wrongCredentials = ExamNodeError("wrong-credentials", status: 401, "Nomor peserta, PIN sesi, atau tanggal lahir salah.")
    public static func lockedOut(seconds: Int64) -> ExamNodeError {
        ExamNodeError("too-many-attempts", status: 429, "Terlalu banyak percobaan masuk. Coba lagi dalam \(max(1, seconds)) detik atau hubungi pengawas.")
    }
    public static let otherDevice = ExamNodeError("device-in-use", status: 409, "Peserta ini sudah masuk dari perangkat lain. Minta pengawas mengatur ulang perangkat Anda.")
    public static let badToken = ExamNodeError("invalid-token", status: 401, "Sesi masuk tidak berlaku. Silakan masuk kembali.")
    public static let sessionNotOpen = ExamNodeError("session-not-open", status: 409, "Sesi ujian belum dibuka oleh pengawas.")
    public static let sessionClosed = ExamNodeError("session-closed", status: 409, "Sesi ujian sudah ditutup.")
    public static let sessionPaused = ExamNodeError("session-paused", status: 409, "Ujian sedang dihentikan sementara oleh pengawas. Waktu Anda tidak berjalan; jawaban Anda aman.")
    static func unknownItem(_ id: String) -> ExamNodeError {
        ExamNodeError("paper-item-missing", status: 500, "Soal \(id) dari naskah tidak ada di bank soal node ini.")
    }
    public static let itemNotInPaper = ExamNodeError("item-not-in-paper", status: 422, "Soal itu tidak ada dalam naskah Anda.")
    public static let optionOutOfRange = ExamNodeError("option-out-of-range", status: 422, "Pilihan jawaban itu tidak ada pada soal ini.")
    public static func lateStart(limitMinutes: Int64) -> ExamNodeError {
        ExamNodeError(
            "late-start", status: 409,
            "Batas keterlambatan \(limitMinutes) menit sejak sesi dibuka sudah lewat; ujian tidak dapat dimulai. Hubungi pengawas.")
    }
    public static let timeUp = ExamNodeError("time-up", status: 409, "Waktu ujian sudah habis. Jawaban ini tidak disimpan; jawaban sebelumnya tetap tersimpan.")
    public static let alreadyFinished = ExamNodeError("already-finished", status: 409, "Ujian Anda sudah selesai.")
    public static let badSequence = ExamNodeError("invalid-sequence", status: 422, "Nomor urut jawaban tidak valid.")

    // MARK: - Proctors

    public static let proctorUnauthorized = ExamNodeError("proctor-unauthorized", status: 401, "Masuk sebagai pengawas diperlukan.")
    public static let unknownSession = ExamNodeError("unknown-session", status: 404, "Sesi ujian tidak ditemukan.")
    public static let unknownCandidate = ExamNodeError("unknown-candidate", status: 404, "Peserta tidak ditemukan dalam sesi ini.")
    public static let rosterAlreadyLoaded = ExamNodeError("roster-loaded", status: 409, "Daftar peserta sesi ini sudah dimuat.")
    public static func invalidRoster(_ problems: [String]) -> ExamNodeError {
        ExamNodeError("invalid-roster", status: 422, "Daftar peserta ditolak; tidak ada yang disimpan:\n" + problems.joined(separator: "\n"))
    }
    public static func extensionCap(usedMinutes: Int64, capMinutes: Int64) -> ExamNodeError {
        ExamNodeError(
            "extension-cap", status: 409,
            "Tambahan waktu paling banyak \(capMinutes) menit per peserta; sudah ditambah \(usedMinutes) menit. Keputusan lebih dari itu dicatat panitia, bukan di node.")
    }
    public static func invalid(_ detail: String) -> ExamNodeError { ExamNodeError("invalid-request", status: 400, detail) }
    public static let wrongState = ExamNodeError("wrong-state", status: 409, "Tindakan ini tidak dapat dilakukan pada keadaan sesi sekarang.")
}
