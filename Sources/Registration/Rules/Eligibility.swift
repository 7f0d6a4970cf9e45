public import ExamEngine
import Foundation
public import SeleksiCore

/// Whether an applicant may apply to a formation. Pure: every rule that fails is
/// named, so the refusal tells the applicant exactly why.
public struct Eligibility: Sendable {
    /// Youngest age on the registration closing date.
    public var minimumAge = 18
    /// Lowest GPA for the cumlaude formation type (from `Config/portal.yaml`).
    public var cumlaudeMinimumGPA = 3.51

    public init(minimumAge: Int = 18, cumlaudeMinimumGPA: Double = 3.51) {
        self.minimumAge = minimumAge
        self.cumlaudeMinimumGPA = cumlaudeMinimumGPA
    }

    /// Whole years between a birth date and a day, both `(year, month, day)`.
    public static func age(born: (Int, Int, Int), on day: (Int, Int, Int)) -> Int {
        var years = day.0 - born.0
        if (day.1, day.2) < (born.1, born.2) { years -= 1 }
        return years
    }

    /// The reasons `draft` may not apply to `formation`; empty when eligible.
    /// - Parameters:
    ///   - birthDate: the account's birth date (`yyyy-MM-dd`).
    ///   - nik: the account's NIK; its province code decides the Papua and Kalimantan types.
    ///   - closingDay: the registration closing date `(year, month, day)` in WIB.
    public func reasons(draft: ApplicationDraft, formation: Formation, birthDate: String, nik: NIK, closingDay: (Int, Int, Int)) -> [String] {
        var reasons: [String] = []
        if let born = IndonesianDate.parseYMD(birthDate) {
            let age = Self.age(born: born, on: closingDay)
            if age < minimumAge {
                reasons.append("usia \(age) tahun pada penutupan pendaftaran; minimal \(minimumAge)")
            } else if age > formation.maxAge {
                reasons.append("usia \(age) tahun pada penutupan pendaftaran; formasi ini paling tinggi \(formation.maxAge)")
            }
        }
        let education = draft.education
        if education.level != formation.educationLevel {
            reasons.append("pendidikan \(education.level.rawValue); formasi ini meminta \(formation.educationLevel.rawValue)")
        }
        let major = education.major.trimmingCharacters(in: .whitespaces).lowercased()
        if !formation.majors.contains(where: { $0.lowercased() == major }) {
            reasons.append("program studi '\(education.major)' tidak termasuk kualifikasi formasi ini (\(formation.majors.joined(separator: ", ")))")
        }
        switch formation.type {
        case .general:
            break
        case .cumlaude:
            if education.gpa < cumlaudeMinimumGPA {
                reasons.append("formasi cumlaude meminta IPK minimal \(IndonesianNumber.decimal(cumlaudeMinimumGPA))")
            }
        case .disability:
            if !draft.disability { reasons.append("formasi disabilitas hanya untuk penyandang disabilitas") }
        case .papua:
            if !NIK.papuaProvinces.contains(nik.provinceCode) { reasons.append("formasi putra/putri Papua meminta NIK yang diterbitkan di provinsi Papua") }
        case .kalimantan:
            if !NIK.kalimantanProvinces.contains(nik.provinceCode) {
                reasons.append("formasi putra/putri Kalimantan meminta NIK yang diterbitkan di provinsi Kalimantan")
            }
        case .diaspora:
            if !draft.residesAbroad { reasons.append("formasi diaspora hanya untuk WNI yang berdomisili di luar negeri") }
        }
        return reasons
    }

    /// The accommodations asked for: each one the exam rule set offers, for this
    /// formation's type, once.
    /// The accommodations a verifier confirms: each one the applicant asked for, once.
    public static func confirmedAccommodations(_ names: [String], asked: [String]) -> RegistrationError? {
        guard Set(names).count == names.count else {
            return .invalid("invalid-accommodation", "Setiap kebutuhan khusus dikonfirmasi sekali saja.")
        }
        if let stranger = names.first(where: { !asked.contains($0) }) {
            return .invalid(
                "invalid-accommodation",
                "Kebutuhan khusus '\(String(stranger.prefix(40)))' tidak diminta pelamar; hanya yang diminta dapat dikonfirmasi."
            )
        }
        return nil
    }

    public static func checkAccommodations(_ names: [String], formationType: FormationType, offered: [String: Accommodation]) -> RegistrationError? {
        guard Set(names).count == names.count else {
            return .invalid("invalid-accommodation", "Setiap kebutuhan khusus dipilih sekali saja.")
        }
        for name in names {
            guard let accommodation = offered[name] else {
                return .invalid("invalid-accommodation", "Kebutuhan khusus '\(String(name.prefix(40)))' tidak dikenal; pilih dari daftar pada formulir.")
            }
            if let types = accommodation.formationTypes, !types.contains(formationType) {
                return .invalid(
                    "invalid-accommodation",
                    "Kebutuhan khusus '\(name)' hanya untuk formasi \(types.map(\.displayName).sorted().joined(separator: ", ")), bukan formasi \(formationType.displayName)."
                )
            }
        }
        return nil
    }

    /// Checks the form fields themselves, before eligibility.
    public static func checkForm(_ draft: ApplicationDraft, currentYear: Int) -> RegistrationError? {
        let education = draft.education
        if education.diplomaNumber.trimmingCharacters(in: .whitespaces).count < 3 || education.diplomaNumber.count > 60 {
            return .invalid("invalid-diploma-number", "Nomor ijazah harus diisi sesuai ijazah.")
        }
        if !(0...4).contains(education.gpa) || education.gpa.isNaN {
            return .invalid("invalid-gpa", "IPK harus antara 0,00 dan 4,00.")
        }
        if !(1960...currentYear).contains(education.graduationYear) {
            return .invalid("invalid-graduation-year", "Tahun lulus harus antara 1960 dan \(currentYear).")
        }
        if draft.testLocation.trimmingCharacters(in: .whitespaces).isEmpty {
            return .invalid("invalid-test-location", "Pilih lokasi tes.")
        }
        return nil
    }
}
