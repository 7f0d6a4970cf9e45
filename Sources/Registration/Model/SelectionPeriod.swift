import Foundation
public import SeleksiCore

/// A window of the timetable, inclusive of both ends, in milliseconds since 1970.
public struct Window: Sendable, Codable, Hashable {
    public var opens: Int64
    public var closes: Int64

    public init(opens: Int64, closes: Int64) {
        self.opens = opens
        self.closes = closes
    }

    public func contains(_ instant: Int64) -> Bool { (opens...closes).contains(instant) }

    /// "1 Desember 2026 08.00 – 15 Desember 2026 23.59 WIB", for refusal messages.
    public var indonesian: String { "\(IndonesianDate.dateTime(opens)) – \(IndonesianDate.dateTime(closes))" }
}

/// One selection period (for example CASN 2026) and its timetable. An action outside
/// its window is refused with the window's dates.
public struct SelectionPeriod: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    /// Account creation, the application, uploads and *end registration*.
    public var registration: Window
    /// Verifiers record MS/TMS.
    public var verification: Window
    /// Days after the administrative result is announced in which an objection may be filed.
    public var objectionDays: Int
    /// The exam days (cards show their sessions).
    public var exam: Window
    /// When final results are announced.
    public var announcement: Window
    /// When the administrative result was announced; nil until the committee does so.
    public var resultsAnnouncedAt: Int64?
    /// The digits in front of every participant number of this period.
    public var participantPrefix: String

    public init(
        id: String,
        name: String,
        registration: Window,
        verification: Window,
        objectionDays: Int,
        exam: Window,
        announcement: Window,
        resultsAnnouncedAt: Int64? = nil,
        participantPrefix: String
    ) {
        self.id = id
        self.name = name
        self.registration = registration
        self.verification = verification
        self.objectionDays = objectionDays
        self.exam = exam
        self.announcement = announcement
        self.resultsAnnouncedAt = resultsAnnouncedAt
        self.participantPrefix = participantPrefix
    }

    /// The last instant an objection is accepted: whole calendar days after the announcement.
    public var objectionDeadline: Int64? {
        resultsAnnouncedAt.map { IndonesianDate.endOfDay($0, plusDays: objectionDays) }
    }
}

/// Dates as Indonesians read them, in WIB (UTC+7), which the national timetable uses.
public enum IndonesianDate {
    static let months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
    /// The calendar day and time of an instant in WIB.
    static func components(_ milliseconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        IndonesianTimeZone.wib.local(milliseconds)
    }

    public static func date(_ milliseconds: Int64) -> String {
        let c = components(milliseconds)
        return "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    public static func dateTime(_ milliseconds: Int64) -> String { dateTime(milliseconds, in: .wib) }

    /// "1 Januari 1999" for a calendar day kept as `1999-01-01` (a birth date); the text
    /// as it is when it is not such a day.
    public static func day(_ ymd: String) -> String {
        guard let (y, m, d) = parseYMD(ymd) else { return ymd }
        return "\(d) \(months[m - 1]) \(y)"
    }

    /// "12 Februari 2027 07.30 WITA": a venue's time, in the venue's zone, labelled.
    public static func dateTime(_ milliseconds: Int64, in zone: IndonesianTimeZone) -> String {
        let c = zone.local(milliseconds)
        return "\(c.day) \(months[c.month - 1]) \(c.year) \(String(format: "%02d.%02d", c.hour, c.minute)) \(zone.rawValue)"
    }

    /// "12 Februari 2027 07.30.05 WITA": an audit line's moment, to the second, in `zone`.
    public static func timestamp(_ milliseconds: Int64, in zone: IndonesianTimeZone) -> String {
        let c = zone.local(milliseconds)
        let second = Int(((milliseconds % 60_000) + 60_000) % 60_000 / 1000)
        return "\(c.day) \(months[c.month - 1]) \(c.year) \(String(format: "%02d.%02d.%02d", c.hour, c.minute, second)) \(zone.rawValue)"
    }

    /// "12 Februari 2027": the calendar day of an instant in `zone`.
    public static func date(_ milliseconds: Int64, in zone: IndonesianTimeZone) -> String {
        let c = zone.local(milliseconds)
        return "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    /// "07.30": the clock time of an instant in `zone`, unlabelled.
    public static func time(_ milliseconds: Int64, in zone: IndonesianTimeZone) -> String {
        let c = zone.local(milliseconds)
        return String(format: "%02d.%02d", c.hour, c.minute)
    }

    /// 23:59:59.999 WIB of the day `plusDays` calendar days after `milliseconds`.
    public static func endOfDay(_ milliseconds: Int64, plusDays: Int) -> Int64 {
        let c = components(milliseconds)
        return IndonesianTimeZone.wib.instant(localDay: c.year, c.month, c.day, hour: 0, minute: 0) + Int64(plusDays + 1) * 86_400_000 - 1
    }

    /// `2027-02-12T07:30`: an instant as a form's `datetime-local` field shows it in `zone`.
    public static func inputValue(_ milliseconds: Int64, in zone: IndonesianTimeZone) -> String {
        let c = zone.local(milliseconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year, c.month, c.day, c.hour, c.minute)
    }

    /// The instant a `datetime-local` value (`yyyy-MM-ddTHH:mm`, seconds allowed) names in `zone`.
    public static func parseInputValue(_ text: String, in zone: IndonesianTimeZone) -> Int64? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let (y, m, d) = parseYMD(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(time.count), time[0].count == 2, time[1].count == 2, let hour = Int(time[0]), let minute = Int(time[1]),
            (0...23).contains(hour), (0...59).contains(minute), time.count == 2 || Int(time[2].prefix(2)) != nil
        else { return nil }
        return zone.instant(localDay: y, m, d, hour: hour, minute: minute)
    }

    /// Milliseconds of the start of `yyyy-MM-dd` in WIB, or nil if it is not a real date.
    public static func parseDay(_ text: String) -> Int64? {
        guard let (y, m, d) = parseYMD(text) else { return nil }
        return IndonesianTimeZone.wib.instant(localDay: y, m, d, hour: 0, minute: 0)
    }

    /// `yyyy-MM-dd` split into numbers, refusing impossible dates such as 2001-02-30.
    public static func parseYMD(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= days[m - 1] else { return nil }
        return (y, m, d)
    }
}
