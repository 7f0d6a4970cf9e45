public import SeleksiCore

/// An interview invitation as an iCalendar file (RFC 5545, with the iTIP methods of
/// RFC 5546): one event with a `UID` that stays the same for the candidate's interview
/// through every change, a `SEQUENCE` raised on each, `METHOD:REQUEST` for the slot and
/// `METHOD:CANCEL` when it is withdrawn. Times carry the place's `TZID` and the file its
/// `VTIMEZONE`, so a calendar shows 08.00 WITA in Makassar whatever zone the phone is in.
public struct InterviewInvitation: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    public struct Person: Sendable, Hashable {
        public let name: String
        public let email: String

        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }

    public let method: Method
    /// Stable for this candidate's interview in this selection (`wawancara-<period>-<number>@<host>`).
    public let uid: String
    /// 0 for the first invitation, one more for each change or the cancellation.
    public let sequence: Int
    /// When this version was made (milliseconds).
    public let stamp: Int64
    public let slot: InterviewSlot
    public let zone: IndonesianTimeZone
    public let summary: String
    /// A room and its address, or "Rapat video".
    public let location: String
    /// A video meeting's link, if any.
    public let link: String?
    public let description: String
    public let organizer: Person
    public let attendee: Person

    public init(
        method: Method,
        uid: String,
        sequence: Int,
        stamp: Int64,
        slot: InterviewSlot,
        zone: IndonesianTimeZone,
        summary: String,
        location: String,
        link: String?,
        description: String,
        organizer: Person,
        attendee: Person
    ) {
        self.method = method
        self.uid = uid
        self.sequence = sequence
        self.stamp = stamp
        self.slot = slot
        self.zone = zone
        self.summary = summary
        self.location = location
        self.link = link
        self.description = description
        self.organizer = organizer
        self.attendee = attendee
    }

    /// The file's text: CRLF line ends, lines folded at 75 octets.
    public var ics: String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Seleksi//Jadwal Wawancara//ID", "CALSCALE:GREGORIAN", "METHOD:\(method.rawValue)",
            "BEGIN:VTIMEZONE", "TZID:\(zone.identifier)", "BEGIN:STANDARD", "DTSTART:19700101T000000",
            "TZOFFSETFROM:\(Self.offset(zone))", "TZOFFSETTO:\(Self.offset(zone))", "TZNAME:\(zone.rawValue)", "END:STANDARD", "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:\(Self.text(uid))", "SEQUENCE:\(sequence)", "DTSTAMP:\(Self.utc(stamp))",
            "DTSTART;TZID=\(zone.identifier):\(Self.local(slot.start, zone))", "DTEND;TZID=\(zone.identifier):\(Self.local(slot.end, zone))",
            "SUMMARY:\(Self.text(summary))", "LOCATION:\(Self.text(location))", "DESCRIPTION:\(Self.text(description))",
        ]
        if let link { lines.append("URL:\(link)") }
        lines += [
            "ORGANIZER;CN=\(Self.parameter(organizer.name)):mailto:\(organizer.email)",
            "ATTENDEE;CN=\(Self.parameter(attendee.name));ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:\(attendee.email)",
            "STATUS:\(method == .cancel ? "CANCELLED" : "CONFIRMED")", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR",
        ]
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `+0800`.
    static func offset(_ zone: IndonesianTimeZone) -> String {
        let hours = zone.offsetMilliseconds / 3_600_000
        return "+" + (hours < 10 ? "0\(hours)" : "\(hours)") + "00"
    }

    static func stamp(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let padded = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(padded)\(two(month))\(two(day))T\(two(hour))\(two(minute))00"
    }

    /// Local time in the zone, as `DTSTART;TZID=…` wants it.
    static func local(_ instant: Int64, _ zone: IndonesianTimeZone) -> String {
        let local = zone.local(instant)
        return stamp(local.year, local.month, local.day, local.hour, local.minute)
    }

    /// UTC, with its `Z`.
    static func utc(_ instant: Int64) -> String {
        // WIB less its seven hours is UTC; seconds are dropped (`DTSTAMP` needs no more).
        let shifted = IndonesianTimeZone.wib.local(instant - IndonesianTimeZone.wib.offsetMilliseconds)
        return stamp(shifted.year, shifted.month, shifted.day, shifted.hour, shifted.minute) + "Z"
    }

    /// A TEXT value: backslash, semicolon, comma and line breaks escaped.
    static func text(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// A parameter value (`CN=`): quoted, without the characters a quoted value may not hold.
    static func parameter(_ value: String) -> String {
        "\"" + value.filter { $0 != "\"" && !$0.isNewline && $0.asciiValue.map { $0 >= 0x20 } ?? true } + "\""
    }

    /// Lines longer than 75 octets go on in lines that start with a space, never inside a
    /// character's UTF-8 bytes.
    static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > 75 {
                out += "\r\n "
                octets = 1
            }
            out.unicodeScalars.append(scalar)
            octets += size
        }
        return out
    }
}

extension IndonesianTimeZone {
    /// Its IANA name, which calendars recognise: Asia/Jakarta, Asia/Makassar, Asia/Jayapura.
    public var identifier: String {
        switch self {
        case .wib: "Asia/Jakarta"
        case .wita: "Asia/Makassar"
        case .wit: "Asia/Jayapura"
        }
    }
}
