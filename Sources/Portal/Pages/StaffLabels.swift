import Registration

/// What staff pages call roles and audit actions: Indonesian words, while the API and
/// the stored log keep their machine names (`verifier`, `verification.decide`).
enum StaffLabels {
    static func role(_ role: StaffRole) -> String {
        switch role {
        case .verifier: "verifikator"
        case .admin: "admin panitia"
        case .proctor: "pengawas ujian"
        case .interviewer: "pewawancara"
        case .observer: "pengamat"
        }
    }

    /// A stored role name (the audit log keeps it as text); unknown names as they are.
    static func role(named name: String) -> String { StaffRole(rawValue: name).map(role) ?? name }

    static let actions: [(code: String, label: String)] = [
        ("staff.login", "masuk"), ("staff.login-failed", "gagal masuk"), ("staff.logout", "keluar"), ("staff.create", "membuat akun staf"),
        ("account.freeze", "membekukan akun"), ("worklist.open", "membuka daftar verifikasi"), ("application.open", "membuka lamaran"),
        ("document.open", "membuka dokumen"), ("verification.decide", "memutuskan verifikasi"), ("objection.answer", "menjawab sanggahan"),
        ("results.announce", "mengumumkan hasil administrasi"), ("claims.open", "membuka daftar klaim NIK"), ("claim.open", "membuka klaim NIK"),
        ("claim.document.open", "membuka dokumen klaim"), ("claim.file", "mengajukan klaim NIK"), ("claim.decide", "memutuskan klaim NIK"),
        ("period.save", "menyimpan jadwal periode"), ("agency.save", "menyimpan instansi"), ("formation.save", "menyimpan formasi"),
        ("formation.import", "mengimpor formasi"), ("slot.save", "menyimpan sesi ujian"), ("seats.assign", "membagi tempat duduk"),
        ("seats.move", "memindahkan peserta"), ("seats.resit", "memberi ujian ulang"), ("node.register", "mendaftarkan node ujian"),
        ("roster.export", "mengirim daftar peserta ke node"), ("results.import", "menerima hasil dari node"),
        ("announcement.publish", "menerbitkan pengumuman"), ("announcement.withdraw", "menarik pengumuman terjadwal"),
        ("audit.read", "membaca log audit"),
    ]
    static let actionLabels = Dictionary(uniqueKeysWithValues: actions)

    static func action(_ code: String) -> String { actionLabels[code] ?? code }

    /// What an exam node's audit log (carried in its results package) calls its actions.
    static let nodeActions: [String: String] = [
        "roster-import": "memuat daftar peserta", "roster-import-refused": "menolak daftar peserta", "session-open": "membuka sesi",
        "session-pause": "menjeda sesi", "session-resume": "melanjutkan sesi", "session-close": "menutup sesi", "session-extend": "menambah waktu sesi",
        "candidate-extend": "menambah waktu peserta", "candidate-disqualify": "mendiskualifikasi peserta",
        "candidate-reset-device": "melepas perangkat peserta", "candidate-login": "peserta masuk", "candidate-login-failed": "peserta gagal masuk",
        "attempt-start": "peserta mulai mengerjakan", "attempt-finish": "peserta selesai", "attempt-finish-failed": "penyelesaian gagal",
        "attempt-absent": "peserta tidak hadir", "proctor-set": "mengatur akun pengawas", "proctor-assign": "menugaskan pengawas",
        "results-package": "menyusun paket hasil", "results-pulled": "portal mengambil paket hasil", "node-downtime-credit": "mengganti waktu node mati",
    ]

    static func nodeAction(_ code: String) -> String { nodeActions[code] ?? code }
}
