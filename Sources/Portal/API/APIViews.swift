import Foundation
import Hummingbird
import Registration
import SeleksiCore

/// What the API answers. Views, not stored records: no file paths, no password
/// hashes, and no result before it is announced.
struct PeriodView: ResponseEncodable {
    let period: SelectionPeriod
    let objectionDeadline: Int64?
    let documents: [DocumentRequirement]
    let rejectionReasons: [RejectionReason]
    let testLocations: [String]
}

struct FormationPage: ResponseEncodable {
    let total: Int
    let page: Int
    let pageSize: Int
    let items: [Formation]
}

struct AccountView: ResponseEncodable {
    let id: Int64
    let nik: String
    let name: String
    let birthPlace: String
    let birthDate: String
    let sex: String
    let email: String
    let phone: String
    let emailVerified: Bool

    init(_ a: Account) {
        id = a.id
        nik = a.nik
        name = a.name
        birthPlace = a.birthPlace
        birthDate = a.birthDate
        sex = a.sex.rawValue
        email = a.email
        phone = a.phone
        emailVerified = a.emailVerified
    }
}

struct DocumentView: Codable {
    let kind: String
    let contentType: String
    let size: Int
    let sha256: String
    let uploadedAt: Int64

    init(_ d: StoredDocument) {
        kind = d.kind
        contentType = d.contentType
        size = d.size
        sha256 = d.sha256
        uploadedAt = d.uploadedAt
    }
}

extension DocumentView: ResponseEncodable {}

struct ResultView: Codable {
    let result: String
    let reasonCode: String?
    let reason: String?
    let note: String
    let at: Int64
}

struct SeatView: Codable {
    let participantNumber: String
    let venue: String
    let location: String
    let startsAt: Int64
    let session: Int
}

struct ApplicationView: ResponseEncodable {
    let id: Int64
    let status: String
    let formation: Formation
    let draft: ApplicationDraft
    let submittedAt: Int64?
    let documents: [DocumentView]
    let result: ResultView?
    let objection: Objection?
    let seat: SeatView?

    /// The applicant's view (the result only after the announcement) or the staff's (always).
    init(_ a: Registration.Application, verification: Verification?, service: RegistrationService, showStaff: Bool = false) {
        id = a.id
        status = a.status.rawValue
        formation = a.formation
        draft = a.draft
        submittedAt = a.submittedAt
        documents = a.documents.map(DocumentView.init)
        result = verification.map {
            ResultView(result: $0.result.rawValue, reasonCode: $0.reasonCode, reason: service.reasonLabel($0.reasonCode), note: $0.note, at: $0.at)
        }
        // Applicants see the answer, not which staff member gave it.
        objection = a.objection.map { objection in
            var shown = objection
            if !showStaff { shown.answeredBy = nil }
            return shown
        }
        seat = a.assignment.map {
            SeatView(
                participantNumber: $0.participantNumber,
                venue: $0.slot.venue,
                location: $0.slot.location,
                startsAt: $0.slot.startsAt,
                session: $0.slot.sessionNumber
            )
        }
    }
}

struct StaffApplicationView: ResponseEncodable {
    let applicant: AccountView
    let application: ApplicationView
}

struct ExamCardView: ResponseEncodable {
    let participantNumber: String
    let name: String
    let agency: String
    let position: String
    let venue: String
    let location: String
    let date: String
    let startsAt: Int64
    /// The end of this candidate's working time (duration plus accommodations).
    let endsAt: Int64
    /// The latest time to arrive.
    let arriveBy: Int64
    /// The venue's zone (`WITA`), in which `date` and the printed card read.
    let timeZone: String
    let session: Int
    /// Typed at the exam node with the participant number and the session PIN.
    let accessCode: String
    let rules: [String]
}

struct TokenView: ResponseEncodable {
    let token: String
    let csrf: String
    let expiresAt: Int64
    let role: String
}

struct Accepted: ResponseEncodable {
    let ok: Bool
    let message: String
}

struct NodeList: ResponseEncodable {
    let items: [RegisteredNode]
}

struct SeatsView: ResponseEncodable {
    let assigned: Int
    let unplaced: Int
}

struct Worklist: ResponseEncodable {
    let items: [ApplicationSummary]
}

struct AuditView: ResponseEncodable {
    let items: [AuditEntry]
}

/// Any encodable value as a JSON response, for domain types the API shows as they are.
struct JSONBody<Value: Encodable & Sendable>: ResponseEncodable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// The rules printed on the exam card; `arrivalMinutes` comes from the portal's settings.
func examCardRules(arrivalMinutes: Int) -> [String] {
    [
        "Hadir \(arrivalMinutes) menit sebelum sesi dimulai (jam hadir tertulis di atas) dengan membawa kartu ini dan KTP asli.",
        "Dilarang membawa ponsel, kalkulator, buku, atau alat komunikasi ke ruang ujian.",
        "Peserta yang terlambat setelah sesi dimulai tidak diperkenankan mengikuti ujian.",
        "Nilai akhir ditampilkan di layar setelah ujian selesai dan bersifat resmi.",
    ]
}
