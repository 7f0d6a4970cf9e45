public import SeleksiCore

/// A calendar day as a place reads it (`2027-01-18`), in no zone of its own: the panel's
/// zone turns it into instants.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `yyyy-mm-dd`, a real day of the Gregorian calendar; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    init(daysSinceEpoch days: Int) {
        // Any zone reads its own midnight as that day.
        let local = IndonesianTimeZone.wib.local(Int64(days) * 86_400_000 - IndonesianTimeZone.wib.offsetMilliseconds)
        (year, month, day) = (local.year, local.month, local.day)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        Int((IndonesianTimeZone.wib.instant(localDay: year, month, day, hour: 0, minute: 0) + IndonesianTimeZone.wib.offsetMilliseconds) / 86_400_000)
    }

    /// ISO weekday: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((daysSinceEpoch % 7 + 7) % 7 + 3) % 7 + 1 }

    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// As `yyyy-mm-dd`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' bukan tanggal yyyy-mm-dd"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One interview panel as a committee admin defines it: who sits on it, where (a room or
/// a video meeting's link), its slot length and the buffer between slots, and its working
/// days and hours in the place's own zone (WIB, WITA or WIT). Slots are made from these,
/// never typed one by one.
public struct InterviewPanel: Sendable, Hashable, Codable {
    public let id: String
    /// The interviewers' staff ids; at least one.
    public let interviewers: [String]
    /// A room's name and address, or a video meeting's link.
    public let place: String
    public let zone: IndonesianTimeZone
    public let slotMinutes: Int
    public let bufferMinutes: Int
    public let firstDay: LocalDate
    public let lastDay: LocalDate
    /// ISO weekdays it works (1 Monday … 7 Sunday).
    public let weekdays: Set<Int>
    /// Days in the range it does not work (public holidays, cuti bersama).
    public let holidays: Set<LocalDate>
    /// Working hours in minutes after the place's midnight: 08.00 is 480.
    public let opens: Int
    public let closes: Int
    /// The formations it interviews for; empty for every formation of the selection.
    public let formations: Set<String>

    public init(
        id: String,
        interviewers: [String],
        place: String,
        zone: IndonesianTimeZone,
        slotMinutes: Int,
        bufferMinutes: Int,
        firstDay: LocalDate,
        lastDay: LocalDate,
        weekdays: Set<Int> = [1, 2, 3, 4, 5],
        holidays: Set<LocalDate> = [],
        opens: Int,
        closes: Int,
        formations: Set<String> = []
    ) {
        self.id = id
        self.interviewers = interviewers
        self.place = place
        self.zone = zone
        self.slotMinutes = slotMinutes
        self.bufferMinutes = bufferMinutes
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.weekdays = weekdays
        self.holidays = holidays
        self.opens = opens
        self.closes = closes
        self.formations = formations
    }

    /// Every problem that makes the panel unusable, in Indonesian, or none.
    public func validate() throws(InterviewSchedulingError) {
        let name = "panel \(id)"
        guard !id.isEmpty else { throw InterviewSchedulingError("panel-id", "panel perlu id") }
        guard interviewers.contains(where: { !$0.isEmpty }) else {
            throw InterviewSchedulingError("panel-no-interviewers", "\(name) belum punya pewawancara")
        }
        guard (0..<1440).contains(opens), (1...1440).contains(closes), opens < closes else {
            throw InterviewSchedulingError("panel-hours", "\(name): jam kerja harus di antara 00.00 dan 24.00, jam mulai sebelum jam selesai")
        }
        guard slotMinutes >= 5, slotMinutes <= closes - opens else {
            throw InterviewSchedulingError("panel-slot-length", "\(name): panjang slot harus 5 menit sampai sepanjang jam kerja (\(closes - opens) menit)")
        }
        guard (0...240).contains(bufferMinutes) else { throw InterviewSchedulingError("panel-buffer", "\(name): jeda antarslot harus 0-240 menit") }
        guard (2000...2099).contains(firstDay.year), (2000...2099).contains(lastDay.year) else {
            throw InterviewSchedulingError("panel-days", "\(name): hari pertama dan terakhir harus di antara tahun 2000 dan 2099")
        }
        guard firstDay <= lastDay, lastDay.daysSinceEpoch - firstDay.daysSinceEpoch <= 366 else {
            throw InterviewSchedulingError("panel-days", "\(name): hari terakhir harus sesudah hari pertama, paling lama setahun")
        }
        guard weekdays.allSatisfy({ (1...7).contains($0) }), workingDays.first != nil else {
            throw InterviewSchedulingError("panel-days", "\(name): tidak ada hari kerja di antara \(firstDay) dan \(lastDay)")
        }
    }

    /// The days it works, in order.
    public var workingDays: [LocalDate] {
        guard firstDay <= lastDay else { return [] }
        return (firstDay.daysSinceEpoch...lastDay.daysSinceEpoch).map(LocalDate.init(daysSinceEpoch:)).filter {
            weekdays.contains($0.weekday) && !holidays.contains($0)
        }
    }

    /// Its slots in time order: each working day from its opening, one slot length and
    /// one buffer after another, as many as end by its closing.
    public func slots() throws(InterviewSchedulingError) -> [InterviewSlot] {
        try validate()
        let step = slotMinutes + bufferMinutes
        var slots: [InterviewSlot] = []
        for day in workingDays {
            var minute = opens
            while minute + slotMinutes <= closes {
                let start = zone.instant(localDay: day.year, day.month, day.day, hour: minute / 60, minute: minute % 60)
                slots.append(InterviewSlot(panelID: id, start: start, end: start + Int64(slotMinutes) * 60_000))
                minute += step
            }
        }
        return slots
    }

    /// Refuses a slot (one moved by hand, or asked for) that is not one of its own: outside
    /// its working hours or days, or not on its grid of slots.
    public func check(_ slot: InterviewSlot) throws(InterviewSchedulingError) {
        guard IndonesianTimeZone.readableRange.contains(slot.start), IndonesianTimeZone.readableRange.contains(slot.end) else {
            throw InterviewSchedulingError("slot-outside-hours", "slot itu tidak terbaca sebagai tanggal")
        }
        let local = zone.local(slot.start)
        let day = LocalDate(daysSinceEpoch: Int((slot.start + zone.offsetMilliseconds).floorDivided(by: 86_400_000)))
        let minute = local.hour * 60 + local.minute
        let length = slot.end - slot.start
        guard slot.panelID == id, length == Int64(slotMinutes) * 60_000 else {
            throw InterviewSchedulingError("slot-not-in-panel", "slot itu bukan slot panel \(id) (\(slotMinutes) menit)")
        }
        guard workingDays.contains(day), minute >= opens, minute + slotMinutes <= closes, slot.start % 60_000 == 0 else {
            throw InterviewSchedulingError(
                "slot-outside-hours",
                "slot \(Self.localText(slot.start, zone)) di luar hari dan jam kerja panel \(id) (\(Self.clock(opens))-\(Self.clock(closes)) \(zone.rawValue))"
            )
        }
        guard (minute - opens) % (slotMinutes + bufferMinutes) == 0 else {
            throw InterviewSchedulingError(
                "slot-not-in-panel",
                "slot itu tidak sejajar dengan slot panel \(id) (tiap \(slotMinutes + bufferMinutes) menit dari \(Self.clock(opens)))"
            )
        }
    }

    /// `2027-01-18 08.00 WITA`: an instant as the place reads it.
    public static func localText(_ instant: Int64, _ zone: IndonesianTimeZone) -> String {
        let local = zone.local(instant)
        let day = LocalDate(daysSinceEpoch: Int((instant + zone.offsetMilliseconds).floorDivided(by: 86_400_000)))
        return "\(day) \(clock(local.hour * 60 + local.minute)) \(zone.rawValue)"
    }

    public static func clock(_ minutes: Int) -> String {
        let (hour, minute) = (minutes / 60, minutes % 60)
        return (hour < 10 ? "0\(hour)" : "\(hour)") + "." + (minute < 10 ? "0\(minute)" : "\(minute)")
    }
}

/// One interview slot: a panel's, from `start` to `end` (milliseconds since the epoch).
public struct InterviewSlot: Sendable, Hashable, Codable {
    public let panelID: String
    public let start: Int64
    public let end: Int64

    public init(panelID: String, start: Int64, end: Int64) {
        self.panelID = panelID
        self.start = start
        self.end = end
    }
}

public struct InterviewSchedulingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension Int64 {
    /// Division rounding toward minus infinity (a day before 1970 is still a whole day).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
