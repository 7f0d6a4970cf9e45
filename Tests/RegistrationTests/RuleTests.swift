import Foundation
import SeleksiCore
import Testing

@testable import Registration

@Suite("Registration rules")
struct RuleTests {
    let formation = Formation(
        id: "F",
        periodID: "p",
        agencyID: "a",
        position: "Dokter",
        unit: "RSUD",
        location: "Kupang",
        educationLevel: .s1,
        majors: ["Pendidikan Dokter"],
        quota: 1,
        type: .general,
        maxAge: 40
    )

    func draft(
        level: EducationLevel = .s1,
        major: String = "Pendidikan Dokter",
        gpa: Double = 3.2,
        disability: Bool = false,
        abroad: Bool = false
    ) -> ApplicationDraft {
        ApplicationDraft(
            formationID: "F",
            education: Education(level: level, major: major, diplomaNumber: "123", gpa: gpa, graduationYear: 2020),
            testLocation: "Kupang",
            disability: disability,
            residesAbroad: abroad
        )
    }

    @Test("age uses the formation's limit (40 for doctors) and the closing date")
    func age() throws {
        let nik = try NIK("5371010101860001")
        let rules = Eligibility()
        #expect(rules.reasons(draft: draft(), formation: formation, birthDate: "1985-12-31", nik: nik, closingDay: (2026, 1, 1)).isEmpty)
        #expect(rules.reasons(draft: draft(), formation: formation, birthDate: "1984-12-31", nik: nik, closingDay: (2026, 1, 1)).count == 1)
        #expect(
            rules.reasons(draft: draft(), formation: formation, birthDate: "2008-01-02", nik: nik, closingDay: (2026, 1, 1)).first?.contains("minimal 18")
                == true
        )
    }

    @Test("education, major and each formation type's condition is checked and named")
    func typeConditions() throws {
        let java = try NIK("3201010101990001")
        let papua = try NIK("9101010101990001")
        let kalimantan = try NIK("6201010101990001")
        let rules = Eligibility()
        func reasons(_ type: FormationType, _ draft: ApplicationDraft, _ nik: NIK) -> [String] {
            var formation = self.formation
            formation.type = type
            return rules.reasons(draft: draft, formation: formation, birthDate: "1999-01-01", nik: nik, closingDay: (2026, 1, 1))
        }
        #expect(reasons(.general, draft(level: .d3), java).first?.contains("meminta S1") == true)
        #expect(reasons(.general, draft(major: "pendidikan dokter"), java).isEmpty)
        #expect(reasons(.cumlaude, draft(gpa: 3.5), java).first?.contains("3,51") == true)
        #expect(reasons(.cumlaude, draft(gpa: 3.8), java).isEmpty)
        #expect(reasons(.disability, draft(), java).count == 1)
        #expect(reasons(.disability, draft(disability: true), java).isEmpty)
        #expect(reasons(.papua, draft(), java).count == 1 && reasons(.papua, draft(), papua).isEmpty)
        #expect(reasons(.kalimantan, draft(), papua).count == 1 && reasons(.kalimantan, draft(), kalimantan).isEmpty)
        #expect(reasons(.diaspora, draft(), java).count == 1 && reasons(.diaspora, draft(abroad: true), java).isEmpty)
    }

    @Test("passwords: length, the commonest ones (from Config's list, also with digits added), and personal data are refused")
    func passwords() throws {
        let list = PasswordPolicy.commonList(try String(contentsOfFile: "Config/common-passwords.txt", encoding: .utf8))
        #expect(list.count >= 10_000)
        #expect(!list.contains { $0.hasPrefix("#") })
        let policy = PasswordPolicy(minimumLength: 10, common: list)
        #expect(policy.problem("pendek") != nil)
        // Found by a new user: both were accepted, the list's entries being shorter than the minimum.
        #expect(policy.problem("password12")?.code == "weak-password")
        #expect(policy.problem("qwerty12345")?.code == "weak-password")
        for common in ["indonesia123", "Bismillah2026", "sayangku123", "indonesia1945", "merdeka1945!", "iloveyou2024", "katasandi2025"] {
            #expect(policy.problem(common)?.code == "weak-password", "\(common)")
        }
        #expect(policy.problem("password12")?.message.contains("sering dipakai") == true)
        #expect(policy.problem("aaaaaaaaaaaa") != nil)
        #expect(policy.problem("ani@contoh.id-2026", mustNotContain: ["ani@contoh.id"]) != nil)
        #expect(policy.problem("garam-dan-madu-42") == nil)
    }

    @Test("the objection deadline is the end of the third calendar day in WIB")
    func objectionDeadline() throws {
        // 2026-11-23 10:00 WIB = 03:00 UTC.
        let announced = Int64(1_795_402_800_000)
        #expect(IndonesianDate.dateTime(announced) == "23 November 2026 10.00 WIB")
        let deadline = IndonesianDate.endOfDay(announced, plusDays: 3)
        #expect(IndonesianDate.dateTime(deadline) == "26 November 2026 23.59 WIB")
        #expect(IndonesianDate.parseYMD("2024-02-29") != nil && IndonesianDate.parseYMD("2023-02-29") == nil && IndonesianDate.parseYMD("2023-2-1") == nil)
    }

    @Test("document types are read from the content")
    func contentTypes() {
        #expect(DocumentRequirement.FileType.jpeg.matches([0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 0xFF, 0xD9]))
        #expect(DocumentRequirement.FileType.jpeg.matches([0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 0xFF, 0xD9, 0, 0]))
        #expect(!DocumentRequirement.FileType.jpeg.matches([0xFF, 0xD8, 0xFF, 0xDB, 1, 2]), "cut off before its end marker")
        #expect(!DocumentRequirement.FileType.jpeg.matches(Array("%PDF-1.4 %%EOF".utf8)))
        #expect(DocumentRequirement.FileType.pdf.matches(Array("%PDF-1.4\n1 0 obj\n%%EOF\n".utf8)))
        #expect(!DocumentRequirement.FileType.pdf.matches(Array("%PDF-1.4\n1 0 obj\n".utf8)), "cut off before %%EOF")
        #expect(!DocumentRequirement.FileType.pdf.matches([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("the shipped portal configuration loads; a broken one names its key")
    func configuration() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let settings = try PortalSettings.load(file: url.path + "/Config/portal.yaml")
        #expect(settings.documents.map(\.kind) == ["foto", "swafoto", "ktp", "ijazah", "transkrip"])
        #expect(settings.documents.first { $0.kind == "ijazah" }?.maxKB == 800 && settings.httpsPort == 9443 && settings.arrivalMinutes == 60)
        let broken = NSTemporaryDirectory() + "portal-\(UUID().uuidString).yaml"
        try "bcrypt_cost: banyak\n".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: PortalSettingsError.self) { try PortalSettings.load(file: broken) }
        try "bcrypt_cost: 3\n".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: PortalSettingsError.self) { try PortalSettings.load(file: broken) }
        // A misspelt key, and a trusted proxy that is no address, would otherwise do nothing silently.
        for (text, named) in [
            ("bcrypt_kost: 12\n", "bcrypt_kost"), ("trusted_proxies: [10.0.0.300]\n", "10.0.0.300"), ("tls:\n  cert: x\n", "tls.cert"),
            ("arrival_minutes: 600\n", "arrival_minutes"),
        ] {
            try text.write(toFile: broken, atomically: true, encoding: .utf8)
            let error = #expect(throws: PortalSettingsError.self) { try PortalSettings.load(file: broken) }
            #expect(error?.message.contains(named) == true, "\(error?.message ?? "")")
        }
        try "trusted_proxies: [127.0.0.1, \"::1\"]\n".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(try PortalSettings.load(file: broken).trustedProxies == ["127.0.0.1", "::1"])
    }
}
