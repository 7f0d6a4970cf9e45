import ExamEngine
import Foundation
import Hummingbird
import Registration
import Selection
import SeleksiCore

/// The interviewer's pages: the interviews of the panels they sit on (a day at a time,
/// in each panel's zone), each scored against the rubric of the candidate's SKB plan by a
/// plain form, or marked absent; and a declaration of a conflict of interest. Nothing of
/// any other panel: the service answers only for the interviewer's own.
struct InterviewerPages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/wawancara") { request, context in try await list(request, context, values: Self.notice(request)) }
        router.get("/staf/wawancara/:number") { _, context in
            try await scoreForm(context, number: try context.parameters.require("number"), form: nil)
        }
        router.post("/staf/wawancara/:number/nilai") { request, context in
            let staff = try context.staff()
            let number = try context.parameters.require("number")
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                let row = try await own(staff, number)
                let absent = form["absent"] == "1"
                var marks: [String: Int] = [:]
                if !absent {
                    for criterion in row.rubric?.rubric ?? [] {
                        guard let mark = Int(form["nilai-" + criterion.code].trimmingCharacters(in: .whitespaces)) else {
                            throw RegistrationError.invalid(
                                "invalid-score",
                                "Nilai \(criterion.name) harus bilangan bulat \(criterion.minimum)-\(criterion.maximum)."
                            )
                        }
                        marks[criterion.code] = mark
                    }
                }
                _ = try await service.enterInterviewScore(staff: staff, participantNumber: number, marks: marks, absent: absent)
                return PageHelpers.redirect("/staf/wawancara?dinilai=1")
            } catch let error as RegistrationError where error.code != "forbidden" && error.code != "not-found" {
                return try await scoreForm(context, number: number, form: form, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
        router.post("/staf/wawancara/konflik") { request, context in
            let staff = try context.staff()
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                let number = form["nomor"].trimmingCharacters(in: .whitespaces)
                let withdrawn = try await service.declareInterviewConflict(staff: staff, participantNumber: number, reason: form["alasan"])
                return PageHelpers.redirect("/staf/wawancara?konflik=" + (withdrawn == nil ? "1" : "ditarik"))
            } catch let error as RegistrationError where error.code != "forbidden" {
                var values = PageHelpers.error(error)
                (values["conflictNumber"], values["conflictReason"]) = (form["nomor"], form["alasan"])
                return try await list(request, context, values: values, status: PageHelpers.status(error))
            }
        }
    }

    /// After a redirect: a fixed notice, never text from the URL.
    static func notice(_ request: Request) -> [String: Any] {
        if request.formQuery["dinilai"] != nil { return ["notice": "Nilai wawancara tersimpan."] }
        switch request.formQuery["konflik"] {
        case "ditarik":
            return ["notice": "Konflik kepentingan tercatat. Jadwal peserta itu di panel Anda ditarik; panitia menjadwalkannya ulang di panel lain."]
        case .some: return ["notice": "Konflik kepentingan tercatat; peserta itu tidak akan dijadwalkan di panel Anda."]
        case nil: return [:]
        }
    }

    /// The interviewer's row for `number`; another panel's candidate is not found.
    func own(_ staff: StaffAccount, _ number: String) async throws -> RegistrationService.InterviewerRow {
        guard let row = try await service.interviewerDay(staff: staff, day: nil).first(where: { $0.booking.participantNumber == number }) else {
            throw RegistrationError.notFound
        }
        return row
    }

    func list(
        _ request: Request,
        _ context: PortalRequestContext,
        values extra: [String: Any],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let staff = try context.staff()
        var values = extra
        var status = status
        let dayText = String(request.formQuery["hari"] ?? "").trimmingCharacters(in: .whitespaces)
        var day: LocalDate?
        if !dayText.isEmpty {
            values["day"] = dayText
            if let parsed = LocalDate(dayText) {
                day = parsed
            } else {
                values["error"] = "Tanggal harus yyyy-mm-dd; semua hari ditampilkan."
                status = .unprocessableContent
            }
        }
        let rows = try await service.interviewerDay(staff: staff, day: day)
        values["rows"] = rows.map { row -> [String: Any] in
            let zone = row.panel.zone
            let score: String =
                switch (row.score, row.score?.total) {
                case (nil, _): "belum dinilai"
                case (.some, nil): "tidak hadir"
                case (.some, .some(let total)): "\(total) dari \(row.rubric?.maximum ?? 0)"
                }
            return [
                "number": row.booking.participantNumber, "name": row.name, "formation": row.formationID, "panel": row.panel.id,
                "when": IndonesianDate.dateTime(row.booking.slot.start, in: zone), "score": score, "scored": row.score != nil,
            ]
        }
        values["count"] = rows.count
        return pages.render("staf-wawancara", values, context: context, status: status)
    }

    func scoreForm(
        _ context: PortalRequestContext,
        number: String,
        form: FormFields?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let row = try await own(try context.staff(), number)
        let zone = row.panel.zone
        let marks = row.score?.marks ?? [:]
        var values: [String: Any] = [
            "number": number, "name": row.name, "formation": row.formationID, "panel": row.panel.id, "place": row.panel.place,
            "when": "\(IndonesianDate.dateTime(row.booking.slot.start, in: zone))–\(IndonesianDate.time(row.booking.slot.end, in: zone))",
            "absent": form.map { $0["absent"] == "1" } ?? (row.score?.absent ?? false),
            "hasRubric": row.rubric != nil, "maximum": row.rubric?.maximum ?? 0,
            "criteria": (row.rubric?.rubric ?? []).map { criterion -> [String: Any] in
                [
                    "code": criterion.code, "name": criterion.name, "min": criterion.minimum, "max": criterion.maximum,
                    "value": form.map { $0["nilai-" + criterion.code] } ?? marks[criterion.code].map(String.init) ?? "",
                ]
            },
        ]
        if let score = row.score {
            values["entered"] = "\(score.enteredBy), \(IndonesianDate.dateTime(score.enteredAt, in: zone))"
        }
        values.merge(extra) { _, b in b }
        return pages.render("staf-wawancara-nilai", values, context: context, status: status)
    }
}
