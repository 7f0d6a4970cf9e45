public import SeleksiCore

/// An agency (instansi) that offers formations and employs verifiers.
public struct Agency: Sendable, Codable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// Education levels in the order of the national qualification framework.
public enum EducationLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case sma = "SMA"
    case d3 = "D3"
    case d4 = "D4"
    case s1 = "S1"
    case s2 = "S2"
    case s3 = "S3"

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// A formation (formasi): one position in one unit and location, with its quota,
/// its required education and its type.
public struct Formation: Sendable, Codable, Hashable {
    public var id: String
    public var periodID: String
    public var agencyID: String
    public var agencyName: String
    public var position: String
    public var unit: String
    public var location: String
    public var educationLevel: EducationLevel
    /// Accepted majors; a formation lists at least one.
    public var majors: [String]
    public var quota: Int
    public var type: FormationType
    /// The highest age on the registration closing date (35 by default; 40 for some positions).
    public var maxAge: Int

    public init(
        id: String,
        periodID: String,
        agencyID: String,
        agencyName: String = "",
        position: String,
        unit: String,
        location: String,
        educationLevel: EducationLevel,
        majors: [String],
        quota: Int,
        type: FormationType,
        maxAge: Int = 35
    ) {
        self.id = id
        self.periodID = periodID
        self.agencyID = agencyID
        self.agencyName = agencyName
        self.position = position
        self.unit = unit
        self.location = location
        self.educationLevel = educationLevel
        self.majors = majors
        self.quota = quota
        self.type = type
        self.maxAge = maxAge
    }
}

/// A search of the public formation list; every field narrows it.
public struct FormationFilter: Sendable, Hashable {
    public var text: String?
    public var agencyID: String?
    public var type: FormationType?
    public var educationLevel: EducationLevel?
    public var location: String?
    public var page: Int = 1
    public var pageSize: Int = 50

    public init(
        text: String? = nil,
        agencyID: String? = nil,
        type: FormationType? = nil,
        educationLevel: EducationLevel? = nil,
        location: String? = nil,
        page: Int = 1,
        pageSize: Int = 50
    ) {
        self.text = text
        self.agencyID = agencyID
        self.type = type
        self.educationLevel = educationLevel
        self.location = location
        self.page = page
        self.pageSize = pageSize
    }
}

/// A test venue and one of its sessions with a fixed number of seats.
public struct ExamSlot: Sendable, Codable, Hashable {
    public var id: String
    public var periodID: String
    public var venue: String
    /// The test location applicants choose (usually a city with a regional office).
    public var location: String
    public var startsAt: Int64
    /// The venue's zone: the slot's time is shown in it, labelled (a Kupang card says WITA).
    public var timeZone: IndonesianTimeZone
    /// 1-4 on a typical day.
    public var sessionNumber: Int
    public var capacity: Int
    public var assigned: Int

    /// The slot's start as the venue reads it.
    public var localStart: String { IndonesianDate.dateTime(startsAt, in: timeZone) }

    public init(
        id: String,
        periodID: String,
        venue: String,
        location: String,
        startsAt: Int64,
        timeZone: IndonesianTimeZone,
        sessionNumber: Int,
        capacity: Int,
        assigned: Int = 0
    ) {
        self.id = id
        self.periodID = periodID
        self.venue = venue
        self.location = location
        self.startsAt = startsAt
        self.timeZone = timeZone
        self.sessionNumber = sessionNumber
        self.capacity = capacity
        self.assigned = assigned
    }
}
