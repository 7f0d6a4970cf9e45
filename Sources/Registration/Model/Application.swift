public import SeleksiCore

/// The applicant's education as entered on the application.
public struct Education: Sendable, Codable, Hashable {
    public var level: EducationLevel
    public var major: String
    public var diplomaNumber: String
    /// 0.00-4.00, two decimals.
    public var gpa: Double
    public var graduationYear: Int

    public init(level: EducationLevel, major: String, diplomaNumber: String, gpa: Double, graduationYear: Int) {
        self.level = level
        self.major = major
        self.diplomaNumber = diplomaNumber
        self.gpa = gpa
        self.graduationYear = graduationYear
    }
}

/// What an applicant fills in on the application form.
public struct ApplicationDraft: Sendable, Codable, Hashable {
    public var formationID: String
    public var education: Education
    /// Where the applicant will sit the exam (a location that has exam slots).
    public var testLocation: String
    /// Declared for the disability formation type.
    public var disability: Bool
    /// Declared for the diaspora formation type.
    public var residesAbroad: Bool
    /// What the applicant needs at the exam, by the exam rule set's names (`tunanetra`: a
    /// blind applicant in a disability formation works 130 minutes, not 100); it travels
    /// in the roster package to the exam node.
    public var accommodations: [String]

    public init(
        formationID: String,
        education: Education,
        testLocation: String,
        disability: Bool = false,
        residesAbroad: Bool = false,
        accommodations: [String] = []
    ) {
        self.formationID = formationID
        self.education = education
        self.testLocation = testLocation
        self.disability = disability
        self.residesAbroad = residesAbroad
        self.accommodations = accommodations
    }

    private enum CodingKeys: String, CodingKey {
        case formationID, education, testLocation, disability, residesAbroad, accommodations
    }

    /// Drafts saved before accommodations were asked for have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            formationID: try c.decode(String.self, forKey: .formationID),
            education: try c.decode(Education.self, forKey: .education),
            testLocation: try c.decode(String.self, forKey: .testLocation),
            disability: try c.decode(Bool.self, forKey: .disability),
            residesAbroad: try c.decode(Bool.self, forKey: .residesAbroad),
            accommodations: try c.decodeIfPresent([String].self, forKey: .accommodations) ?? []
        )
    }
}

/// An accommodation the exam offers (`ApplicationDraft.accommodations`): its extra minutes,
/// and the formation types it is for (nil: all).
public struct AccommodationOffer: Sendable, Hashable {
    public let name: String
    public let extraMinutes: Int
    public let formationTypes: [FormationType]?
}

public enum ApplicationStatus: String, Sendable, Codable {
    /// Still being filled in; the applicant may change everything.
    case draft
    /// *End registration* done: locked.
    case submitted
}

/// MS (memenuhi syarat) or TMS (tidak memenuhi syarat).
public enum VerificationResult: String, Sendable, Codable, CaseIterable {
    case ms = "MS"
    case tms = "TMS"
}

public struct Verification: Sendable, Codable, Hashable {
    public var result: VerificationResult
    /// A code from the configured list; nil for MS.
    public var reasonCode: String?
    public var note: String
    public var by: String
    public var at: Int64
    /// The accommodations asked for that the verifier found supported by the documents
    /// (MS only): the only ones the exam card and the node's roster count. Asking is not
    /// enough, or anyone could claim a disability's extra minutes.
    public var accommodations: [String]

    public init(result: VerificationResult, reasonCode: String?, note: String, by: String, at: Int64, accommodations: [String] = []) {
        self.result = result
        self.reasonCode = reasonCode
        self.note = note
        self.by = by
        self.at = at
        self.accommodations = accommodations
    }
}

/// An objection (sanggah) to a TMS result: filed once, answered by the agency.
public struct Objection: Sendable, Codable, Hashable {
    public var reason: String
    public var filedAt: Int64
    public var answer: String?
    /// Whether the agency accepted it (the result became MS).
    public var accepted: Bool?
    public var answeredBy: String?
    public var answeredAt: Int64?

    public init(reason: String, filedAt: Int64, answer: String? = nil, accepted: Bool? = nil, answeredBy: String? = nil, answeredAt: Int64? = nil) {
        self.reason = reason
        self.filedAt = filedAt
        self.answer = answer
        self.accepted = accepted
        self.answeredBy = answeredBy
        self.answeredAt = answeredAt
    }
}

/// A stored document of an application.
public struct StoredDocument: Sendable, Codable, Hashable {
    public var kind: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var path: String
    public var uploadedAt: Int64

    public init(kind: String, contentType: String, size: Int, sha256: String, path: String, uploadedAt: Int64) {
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.path = path
        self.uploadedAt = uploadedAt
    }
}

/// The seat an eligible applicant gets: participant number and exam slot.
public struct ExamAssignment: Sendable, Codable, Hashable {
    public var participantNumber: String
    public var slot: ExamSlot

    public init(participantNumber: String, slot: ExamSlot) {
        self.participantNumber = participantNumber
        self.slot = slot
    }
}

/// An application as stored: one per applicant per period.
public struct Application: Sendable, Codable, Hashable {
    public var id: Int64
    public var accountID: Int64
    public var periodID: String
    public var draft: ApplicationDraft
    public var formation: Formation
    public var status: ApplicationStatus
    public var submittedAt: Int64?
    public var documents: [StoredDocument]
    public var verification: Verification?
    public var objection: Objection?
    public var assignment: ExamAssignment?

    public init(
        id: Int64,
        accountID: Int64,
        periodID: String,
        draft: ApplicationDraft,
        formation: Formation,
        status: ApplicationStatus,
        submittedAt: Int64?,
        documents: [StoredDocument],
        verification: Verification?,
        objection: Objection?,
        assignment: ExamAssignment?
    ) {
        self.id = id
        self.accountID = accountID
        self.periodID = periodID
        self.draft = draft
        self.formation = formation
        self.status = status
        self.submittedAt = submittedAt
        self.documents = documents
        self.verification = verification
        self.objection = objection
        self.assignment = assignment
    }
}

/// One line of the append-only audit log.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var id: Int64
    public var at: Int64
    public var actor: String
    public var role: String
    public var action: String
    public var subject: String
    public var detail: String

    public init(id: Int64 = 0, at: Int64, actor: String, role: String, action: String, subject: String, detail: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: String?
    public var subject: String?
    /// Only the lines written while this period was the current one.
    public var periodID: String?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, subject: String? = nil, limit: Int = 200) {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.limit = limit
    }
}
