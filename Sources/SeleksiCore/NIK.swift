/// The Nomor Induk Kependudukan on an Indonesian ID card: 16 digits.
///
/// Digits 1-2 are the province, 3-4 the regency or city, 5-6 the district, 7-12 the
/// birth date as DDMMYY with 40 added to the day for women, 13-16 a serial from 0001
/// (Permendagri on population administration). The birth date and sex an applicant
/// enters must agree with it.
public struct NIK: Sendable, Hashable, CustomStringConvertible {
    public let digits: String
    public let provinceCode: Int
    public let birthDay: Int
    public let birthMonth: Int
    /// The last two digits of the birth year: the NIK does not say the century.
    public let birthYearTwoDigits: Int
    public let sex: Sex

    public var description: String { digits }

    /// Why a NIK is refused.
    public enum Problem: Error, Sendable, Equatable {
        case notSixteenDigits
        case unknownProvince(Int)
        case impossibleBirthDate
        case zeroSerial
    }

    public init(_ text: String) throws(Problem) {
        let trimmed = text.filter { !$0.isWhitespace }
        guard trimmed.utf8.count == 16, trimmed.utf8.allSatisfy({ (48...57).contains($0) }) else { throw .notSixteenDigits }
        let d = trimmed.utf8.map { Int($0) - 48 }
        func number(_ from: Int, _ count: Int) -> Int { d[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        let province = number(0, 2)
        guard Self.provinceCodes.contains(province) else { throw .unknownProvince(province) }
        var day = number(6, 2)
        let sex: Sex = day > 40 ? .female : .male
        if sex == .female { day -= 40 }
        let month = number(8, 2)
        let year = number(10, 2)
        // The year is known only modulo 100; 29 February is accepted for years divisible by 4.
        let daysInMonth = [31, year % 4 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[month - 1]).contains(day) else { throw .impossibleBirthDate }
        guard number(12, 4) > 0 else { throw .zeroSerial }
        digits = trimmed
        provinceCode = province
        birthDay = day
        birthMonth = month
        birthYearTwoDigits = year
        self.sex = sex
    }

    /// Whether a birth date and sex entered by hand agree with the NIK.
    public func agrees(year: Int, month: Int, day: Int, sex: Sex) -> Bool {
        year % 100 == birthYearTwoDigits && month == birthMonth && day == birthDay && sex == self.sex
    }

    /// Province codes of Kemendagri, including the Papua provinces formed in 2022
    /// (codes 91-96); a NIK keeps the code it was issued with.
    public static let provinceCodes: Set<Int> = [
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21,  // Sumatra, Riau Islands
        31, 32, 33, 34, 35, 36,  // Java
        51, 52, 53,  // Bali, Nusa Tenggara
        61, 62, 63, 64, 65,  // Kalimantan
        71, 72, 73, 74, 75, 76,  // Sulawesi
        81, 82,  // Maluku
        91, 92, 93, 94, 95, 96,  // Papua
    ]

    /// Provinces of Kalimantan and of Papua, for the putra/putri daerah formations.
    public static let kalimantanProvinces: Set<Int> = [61, 62, 63, 64, 65]
    public static let papuaProvinces: Set<Int> = [91, 92, 93, 94, 95, 96]
}

public enum Sex: String, Sendable, Codable, CaseIterable {
    case male = "L"
    case female = "P"
}
