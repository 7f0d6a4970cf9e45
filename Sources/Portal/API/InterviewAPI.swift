import Foundation
import Hummingbird
import NIOCore
import Registration
import Selection
import SeleksiCore

/// The interview routes of the JSON API: committee admins define panels and run the
/// scheduling; an applicant reads their interview, downloads it as an iCalendar file and
/// moves it once.
extension PortalAPI {
    struct PanelBody: Decodable {
        let id: String
        let interviewers: [String]
        /// A room and its address, or a video meeting's `https://` link.
        let place: String
        /// WIB, WITA or WIT.
        let zone: String
        let slotMinutes: Int
        let bufferMinutes: Int
        /// `yyyy-mm-dd`.
        let firstDay: String
        let lastDay: String
        /// ISO weekdays (1 Monday … 7 Sunday); Monday to Friday when absent.
        let weekdays: [Int]?
        let holidays: [String]?
        /// `08:00` or `08.00`, in the place's zone.
        let opens: String
        let closes: String
        let formations: [String]?

        func panel() throws -> InterviewPanel {
            guard let zone = IndonesianTimeZone(rawValue: zone.uppercased()) else {
                throw RegistrationError.invalid("panel-zone", "Zona waktu harus WIB, WITA atau WIT, bukan '\(zone)'.")
            }
            func day(_ text: String, _ key: String) throws -> LocalDate {
                guard let date = LocalDate(text) else { throw RegistrationError.invalid("panel-days", "\(key): '\(text)' bukan tanggal yyyy-mm-dd.") }
                return date
            }
            func minutes(_ text: String, _ key: String) throws -> Int {
                let parts = text.split(whereSeparator: { $0 == ":" || $0 == "." })
                guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour),
                    (0..<60).contains(minute), hour * 60 + minute <= 1440
                else { throw RegistrationError.invalid("panel-hours", "\(key): '\(text)' bukan jam (08:00).") }
                return hour * 60 + minute
            }
            return InterviewPanel(
                id: id,
                interviewers: interviewers,
                place: place.trimmingCharacters(in: .whitespacesAndNewlines),
                zone: zone,
                slotMinutes: slotMinutes,
                bufferMinutes: bufferMinutes,
                firstDay: try day(firstDay, "firstDay"),
                lastDay: try day(lastDay, "lastDay"),
                weekdays: Set(weekdays ?? [1, 2, 3, 4, 5]),
                holidays: Set(try (holidays ?? []).map { try day($0, "holidays") }),
                opens: try minutes(opens, "opens"),
                closes: try minutes(closes, "closes"),
                formations: Set(formations ?? [])
            )
        }
    }

    struct MoveInterviewBody: Decodable {
        /// The new slot's start (milliseconds since 1970).
        let start: Int64
    }

    struct SlotView: Encodable {
        let panelID: String
        let start: Int64
        let end: Int64
        /// As the place reads it: `2027-01-18 08.00 WITA`.
        let local: String

        init(_ slot: InterviewSlot, _ zone: IndonesianTimeZone) {
            (panelID, start, end, local) = (slot.panelID, slot.start, slot.end, InterviewPanel.localText(slot.start, zone))
        }
    }

    struct BookingView: Encodable {
        let participantNumber: String
        let slot: SlotView
        let sequence: Int
        let moved: Bool

        init(_ booking: InterviewBooking, _ zone: IndonesianTimeZone) {
            participantNumber = booking.participantNumber
            slot = SlotView(booking.slot, zone)
            sequence = booking.sequence
            moved = booking.movedAt != nil
        }
    }

    struct InterviewPageView: ResponseEncodable {
        let booking: BookingView
        let place: String
        let zone: String
        let canMove: Bool
        let moveDeadline: Int64
        let freeSlots: [SlotView]
    }

    struct ScheduleView: ResponseEncodable {
        struct Unplaced: Encodable {
            let participantNumber: String
            let reason: String
            let message: String
        }
        let placed: Int
        let kept: Int
        let unplaced: [Unplaced]
    }

    struct ScoreBody: Decodable {
        /// Per rubric criterion code.
        let marks: [String: Int]?
        let absent: Bool?
    }

    struct InterviewerRowView: Encodable {
        let participantNumber: String
        let name: String
        let formationID: String
        let slot: SlotView
        let place: String
        /// Nil until scored; absent ones have `absent` true.
        let total: Int?
        let absent: Bool
        let scored: Bool
    }

    struct ConflictBody: Decodable {
        let participantNumber: String
        /// Why (a relative, a superior, a former student); 1-500 characters.
        let reason: String
    }

    struct ConflictView: ResponseEncodable {
        let participantNumber: String
        /// The booking on the interviewer's panel this withdrew, if there was one.
        let withdrawn: SlotView?
    }

    struct ScoreView: ResponseEncodable {
        let participantNumber: String
        let total: Int?
        let maximum: Int
        let absent: Bool
        let enteredBy: String
        let enteredAt: Int64

        init(_ score: SKBComponentScore, maximum: Int) {
            (participantNumber, total, absent) = (score.participantNumber, score.total, score.absent)
            (enteredBy, enteredAt, self.maximum) = (score.enteredBy, score.enteredAt, maximum)
        }
    }

    func registerInterviews(_ api: RouterGroup<PortalRequestContext>, table: RouteTable) {
        table.add(api, .post, "admin/interview-panels") { request, context -> Response in
            let staff = try requireAdmin(context)
            let panel = try await request.decode(as: PanelBody.self, context: context).panel()
            try await service.saveInterviewPanel(staff: staff, panel)
            return try created(JSONBody(panel), request, context)
        }
        table.add(api, .get, "admin/interview-panels") { _, context in
            JSONBody(["items": try await service.interviewPanels(staff: try requireAdmin(context))])
        }
        table.add(api, .post, "admin/interviews/schedule") { _, context in
            let report = try await service.scheduleInterviews(staff: try requireAdmin(context))
            return ScheduleView(
                placed: report.placed.count,
                kept: report.kept,
                unplaced: report.unplaced.map { .init(participantNumber: $0.participantNumber, reason: $0.reason.rawValue, message: $0.reason.message) }
            )
        }
        table.add(api, .get, "admin/interviews") { _, context in
            let staff = try requireAdmin(context)
            let zones = Dictionary(uniqueKeysWithValues: try await service.interviewPanels(staff: staff).map { ($0.id, $0.zone) })
            let bookings = try await service.interviewBookings(staff: staff)
            return JSONBody(["items": bookings.map { BookingView($0, zones[$0.slot.panelID] ?? .wib) }])
        }
        table.add(api, .get, "interviewer/interviews") { request, context in
            let staff = try context.staff()
            let day = try request.formQuery["day"].map { text -> LocalDate in
                guard let day = LocalDate(String(text)) else { throw RegistrationError.invalid("invalid-day", "day harus tanggal yyyy-mm-dd.") }
                return day
            }
            let rows = try await service.interviewerDay(staff: staff, day: day)
            return JSONBody([
                "items": rows.map { row in
                    InterviewerRowView(
                        participantNumber: row.booking.participantNumber,
                        name: row.name,
                        formationID: row.formationID,
                        slot: SlotView(row.booking.slot, row.panel.zone),
                        place: row.panel.place,
                        total: row.score?.total,
                        absent: row.score?.absent ?? false,
                        scored: row.score != nil
                    )
                }
            ])
        }
        table.add(api, .put, "interviewer/interviews/{number}/score") { request, context in
            let staff = try context.staff()
            let body = try await request.decode(as: ScoreBody.self, context: context)
            let (score, maximum) = try await service.enterInterviewScore(
                staff: staff,
                participantNumber: try context.parameters.require("number"),
                marks: body.marks ?? [:],
                absent: body.absent ?? false
            )
            return ScoreView(score, maximum: maximum)
        }
        table.add(api, .post, "interviewer/conflicts") { request, context in
            let staff = try context.staff()
            let body = try await request.decode(as: ConflictBody.self, context: context)
            let withdrawn = try await service.declareInterviewConflict(staff: staff, participantNumber: body.participantNumber, reason: body.reason)
            return ConflictView(participantNumber: body.participantNumber, withdrawn: withdrawn.map { SlotView($0.booking.slot, $0.panel.zone) })
        }
        table.add(api, .get, "interviewer/conflicts") { _, context in
            let conflicts = try await service.interviewConflicts(staff: try context.staff())
            return JSONBody(["items": conflicts])
        }
        table.add(api, .get, "interview") { _, context in
            let view = try await service.interview(accountID: try context.applicantID())
            return InterviewPageView(
                booking: BookingView(view.booking, view.panel.zone),
                place: view.panel.place,
                zone: view.panel.zone.rawValue,
                canMove: view.canMove,
                moveDeadline: view.moveDeadline,
                freeSlots: view.freeSlots.map { SlotView($0, view.panel.zone) }
            )
        }
        table.add(api, .get, "interview/calendar.ics") { _, context in
            let invitation = try await service.interviewCalendar(accountID: try context.applicantID())
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/calendar; charset=utf-8; method=\(invitation.method.rawValue)",
                    .contentDisposition: "attachment; filename=\"wawancara.ics\"",
                    .cacheControl: "private, no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: invitation.ics))
            )
        }
        table.add(api, .post, "interview/move") { request, context in
            let id = try context.applicantID()
            let body = try await request.decode(as: MoveInterviewBody.self, context: context)
            let booking = try await service.moveInterview(accountID: id, start: body.start)
            return JSONBody(BookingView(booking, try await service.interview(accountID: id).panel.zone))
        }
    }
}
