/// Indonesia's three time zones. The national timetable is announced in WIB; a venue's
/// times (an exam card, a slot list, an interview invitation) are read in the venue's own
/// zone, always labelled.
public enum IndonesianTimeZone: String, Sendable, Codable, CaseIterable, Hashable {
    /// UTC+7: Java, Sumatra, West and Central Kalimantan.
    case wib = "WIB"
    /// UTC+8: Bali, Nusa Tenggara, Sulawesi, South, East and North Kalimantan.
    case wita = "WITA"
    /// UTC+9: Maluku and Papua.
    case wit = "WIT"

    public var offsetMilliseconds: Int64 {
        switch self {
        case .wib: 7 * 3_600_000
        case .wita: 8 * 3_600_000
        case .wit: 9 * 3_600_000
        }
    }

    /// The instant of a local wall-clock time on a local day (`dayStart` is that day's
    /// 00.00 in this zone): 07.30 WITA is `at(dayStart, hour: 7, minute: 30)`.
    public func instant(localDay year: Int, _ month: Int, _ day: Int, hour: Int, minute: Int) -> Int64 {
        // Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's civil-from-days inverse.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = Int64(era * 146_097 + doe - 719_468)
        return days * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 - offsetMilliseconds
    }

    /// Instants this type reads: years 1 to 9999 (anything further is clamped to the ends,
    /// never an overflow: a timetable sent with Int64.max once crashed the process here).
    public static let readableRange: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    /// The local calendar day and time of an instant in this zone.
    public func local(_ milliseconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let clamped = min(max(milliseconds, Self.readableRange.lowerBound), Self.readableRange.upperBound)
        let local = clamped + offsetMilliseconds
        let dayMilliseconds: Int64 = 86_400_000
        let days = Int((local - ((local % dayMilliseconds) + dayMilliseconds) % dayMilliseconds) / dayMilliseconds)
        let within = Int(((local % dayMilliseconds) + dayMilliseconds) % dayMilliseconds)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, within / 3_600_000, within % 3_600_000 / 60_000)
    }
}
