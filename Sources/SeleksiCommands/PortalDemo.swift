import Foundation
import Registration
import SeleksiAuth
import SeleksiCore

/// The demo selection period of `seleksi serve --demo`: every window open now,
/// agencies, formations of every type, exam slots and one staff account per role,
/// whose passwords and TOTP secrets are printed once.
enum PortalDemo {
    static func fill(_ service: RegistrationService) async throws {
        guard try await service.store.currentPeriod() == nil else {
            print("Data contoh portal sudah ada di \(service.settings.data); tidak diisi ulang.")
            return
        }
        let now = service.clock.nowMilliseconds()
        let day: Int64 = 86_400_000
        try await service.setPeriod(
            staff: nil,
            SelectionPeriod(
                id: "casn-demo",
                name: "Seleksi CASN (contoh)",
                registration: Window(opens: now - day, closes: now + 30 * day),
                verification: Window(opens: now - day, closes: now + 60 * day),
                objectionDays: 3,
                exam: Window(opens: now + 61 * day, closes: now + 75 * day),
                announcement: Window(opens: now + 90 * day, closes: now + 100 * day),
                participantPrefix: "26"
            )
        )
        let agencies = [
            Agency(id: "kemenkeu", name: "Kementerian Keuangan"), Agency(id: "pemkot-kupang", name: "Pemerintah Kota Kupang"),
            Agency(id: "bkn", name: "Badan Kepegawaian Negara"),
        ]
        for agency in agencies { try await service.addAgency(staff: nil, agency) }
        let formations: [Formation] = [
            .init(
                id: "KEU-PK-001",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Pranata Komputer Ahli Pertama",
                unit: "Direktorat Jenderal Pajak",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Teknik Informatika", "Sistem Informasi", "Ilmu Komputer"],
                quota: 40,
                type: .general
            ),
            .init(
                id: "KEU-PK-002",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Pranata Komputer Ahli Pertama",
                unit: "Direktorat Jenderal Pajak",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Teknik Informatika", "Sistem Informasi", "Ilmu Komputer"],
                quota: 4,
                type: .cumlaude
            ),
            .init(
                id: "KEU-AN-003",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Analis Keuangan",
                unit: "Direktorat Jenderal Perbendaharaan",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Akuntansi", "Manajemen"],
                quota: 2,
                type: .disability
            ),
            .init(
                id: "KEU-AN-004",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Analis Keuangan",
                unit: "Kantor Perwakilan",
                location: "Den Haag",
                educationLevel: .s1,
                majors: ["Akuntansi"],
                quota: 1,
                type: .diaspora
            ),
            .init(
                id: "KPG-GR-001",
                periodID: "",
                agencyID: "pemkot-kupang",
                position: "Guru Ahli Pertama Matematika",
                unit: "Dinas Pendidikan",
                location: "Kupang",
                educationLevel: .s1,
                majors: ["Pendidikan Matematika"],
                quota: 12,
                type: .general
            ),
            .init(
                id: "KPG-DR-002",
                periodID: "",
                agencyID: "pemkot-kupang",
                position: "Dokter Ahli Pertama",
                unit: "RSUD S.K. Lerik",
                location: "Kupang",
                educationLevel: .s1,
                majors: ["Pendidikan Dokter"],
                quota: 3,
                type: .general,
                maxAge: 40
            ),
            .init(
                id: "BKN-AS-001",
                periodID: "",
                agencyID: "bkn",
                position: "Analis SDM Aparatur",
                unit: "Kantor Regional XIV",
                location: "Manokwari",
                educationLevel: .s1,
                majors: ["Psikologi", "Manajemen", "Administrasi Negara"],
                quota: 3,
                type: .papua
            ),
            .init(
                id: "BKN-AS-002",
                periodID: "",
                agencyID: "bkn",
                position: "Analis SDM Aparatur",
                unit: "Kantor Regional VIII",
                location: "Banjarmasin",
                educationLevel: .s1,
                majors: ["Psikologi", "Manajemen", "Administrasi Negara"],
                quota: 3,
                type: .kalimantan
            ),
            .init(
                id: "BKN-PK-003",
                periodID: "",
                agencyID: "bkn",
                position: "Pranata Komputer Terampil",
                unit: "Kantor Pusat",
                location: "Jakarta",
                educationLevel: .d3,
                majors: ["Teknik Informatika", "Manajemen Informatika"],
                quota: 5,
                type: .general
            ),
        ]
        for formation in formations { try await service.addFormation(staff: nil, formation) }
        // Four sessions a day at the hours a CAT venue keeps, in the venue's own zone.
        let hours = [(7, 30), (9, 30), (13, 0), (15, 0)]
        let venues: [(String, IndonesianTimeZone)] = [("Jakarta", .wib), ("Kupang", .wita), ("Manokwari", .wit), ("Banjarmasin", .wita)]
        for (index, (location, zone)) in venues.enumerated() {
            let examDay = zone.local(now + 62 * day)
            for (session, (hour, minute)) in hours.enumerated() {
                try await service.addSlot(
                    staff: nil,
                    ExamSlot(
                        id: "\(location.lowercased())-\(session + 1)",
                        periodID: "",
                        venue: "Kantor Regional BKN \(location), Ruang CAT \(index + 1)",
                        location: location,
                        startsAt: zone.instant(localDay: examDay.year, examDay.month, examDay.day, hour: hour, minute: minute),
                        timeZone: zone,
                        sessionNumber: session + 1,
                        capacity: 50
                    )
                )
            }
        }
        var lines = [
            "Data contoh portal dibuat (dicetak sekali):", "  Portal: https://\(service.settings.host):\(service.settings.httpsPort)/  (staf: /staf/masuk)",
        ]
        for (username, role, agency) in [
            ("admin", StaffRole.admin, nil), ("verif-kemenkeu", .verifier, "kemenkeu"), ("verif-kupang", .verifier, "pemkot-kupang"),
            ("verif-bkn", .verifier, "bkn"), ("pengawas", .proctor, nil), ("pewawancara", .interviewer, nil), ("pengamat", .observer, nil),
        ] as [(String, StaffRole, String?)] {
            let (_, password, secret) = try await service.createStaff(username: username, role: role, agencyID: agency)
            lines.append(describe(username: username, role: role, password: password, secret: secret))
        }
        lines.append(
            "  Contoh pelamar: NIK 3201014101990001, KK 3201010101100001, Ani Lestari, perempuan, lahir 1999-01-01 (data kependudukan contoh: \(service.settings.civilRegistryFile.isEmpty ? "tidak diperiksa" : service.settings.civilRegistryFile)). Kode verifikasi email ada di \(service.settings.data)/mail/."
        )
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n\n").utf8))
    }

    static func describe(username: String, role: StaffRole, password: String, secret: String) -> String {
        let url = TOTPCode.address(secret: secret, account: username, issuer: "Seleksi")
        return "  Staf \(username) (\(role.rawValue)): kata sandi \(password); autentikator: \(url)  (kode sekarang: seleksi portal totp --secret \(secret))"
    }
}
