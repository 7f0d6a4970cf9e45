import Foundation
import Hummingbird
import Registration
import Selection
import SeleksiCore

/// The committee admin's interview page: the panels (each defined by a form, in the
/// place's own zone), the scheduling run with its report of who could not be placed and
/// why, and every booking at its local time. The same service operations as the API, so
/// the same refusals and the same audit lines.
struct InterviewCommitteePages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/panitia/wawancara") { request, context in
            try await page(context, form: nil, values: request.formQuery["disimpan"] == nil ? [:] : ["notice": "Panel wawancara disimpan."])
        }
        router.post("/staf/panitia/wawancara/panel") { request, context in
            let staff = try admin(context)
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                try await service.saveInterviewPanel(staff: staff, try Self.panel(form))
                return PageHelpers.redirect("/staf/panitia/wawancara?disimpan=1")
            } catch let error as RegistrationError where error.code != "forbidden" {
                return try await page(context, form: form, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
        router.post("/staf/panitia/wawancara/jadwalkan") { request, context in
            let staff = try admin(context)
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                let report = try await service.scheduleInterviews(staff: staff)
                let values: [String: Any] = [
                    "report": [
                        "placed": report.placed.count, "kept": report.kept,
                        "unplaced": report.unplaced.map { ["number": $0.participantNumber, "reason": $0.reason.message] },
                        "hasUnplaced": !report.unplaced.isEmpty,
                    ]
                ]
                return try await page(context, form: nil, values: values)
            } catch let error as RegistrationError where error.code != "forbidden" {
                return try await page(context, form: nil, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
    }

    func admin(_ context: PortalRequestContext) throws -> StaffAccount {
        let staff = try context.staff()
        try service.requireAdmin(staff)
        return staff
    }

    /// The panel the form describes, read as the API reads its JSON.
    static func panel(_ form: FormFields) throws -> InterviewPanel {
        func lines(_ name: String) -> [String] {
            form[name].split(whereSeparator: { $0.isNewline || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let slot = Int(form["slotMinutes"].trimmingCharacters(in: .whitespaces)) else {
            throw RegistrationError.invalid("panel-slot-length", "Panjang slot harus angka (menit).")
        }
        guard let buffer = Int(form["bufferMinutes"].trimmingCharacters(in: .whitespaces)) else {
            throw RegistrationError.invalid("panel-buffer", "Jeda antarslot harus angka (menit), 0 bila tanpa jeda.")
        }
        let weekdays = (1...7).filter { form["hari-\($0)"] == "1" }
        return try PortalAPI.PanelBody(
            id: form["id"].trimmingCharacters(in: .whitespaces),
            interviewers: lines("interviewers"),
            place: form["place"],
            zone: form["zone"],
            slotMinutes: slot,
            bufferMinutes: buffer,
            firstDay: form["firstDay"].trimmingCharacters(in: .whitespaces),
            lastDay: form["lastDay"].trimmingCharacters(in: .whitespaces),
            weekdays: weekdays,
            holidays: lines("holidays"),
            opens: form["opens"].trimmingCharacters(in: .whitespaces),
            closes: form["closes"].trimmingCharacters(in: .whitespaces),
            formations: lines("formations")
        ).panel()
    }

    static let weekdayNames = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

    func page(
        _ context: PortalRequestContext,
        form: FormFields?,
        values extra: [String: Any],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let staff = try admin(context)
        let panels = try await service.interviewPanels(staff: staff)
        let zones = Dictionary(uniqueKeysWithValues: panels.map { ($0.id, $0.zone) })
        let bookings = try await service.interviewBookings(staff: staff)
        let counts = Dictionary(grouping: bookings, by: \.slot.panelID).mapValues(\.count)
        var values: [String: Any] = [
            "panels": panels.map { panel -> [String: Any] in
                [
                    "id": panel.id, "interviewers": panel.interviewers.joined(separator: ", "), "place": panel.place,
                    "days":
                        "\(IndonesianDate.day(panel.firstDay.description)) – \(IndonesianDate.day(panel.lastDay.description)), \(panel.workingDays.count) hari kerja",
                    "hours": "\(InterviewPanel.clock(panel.opens))–\(InterviewPanel.clock(panel.closes)) \(panel.zone.rawValue)",
                    "slot": "\(panel.slotMinutes) menit, jeda \(panel.bufferMinutes) menit",
                    "formations": panel.formations.isEmpty ? "semua formasi" : panel.formations.sorted().joined(separator: ", "),
                    "booked": counts[panel.id] ?? 0,
                ]
            },
            "bookings": bookings.map { booking -> [String: Any] in
                let zone = zones[booking.slot.panelID] ?? .wib
                return [
                    "number": booking.participantNumber, "panel": booking.slot.panelID,
                    "when": IndonesianDate.dateTime(booking.slot.start, in: zone), "moved": booking.movedAt != nil,
                ]
            },
            "bookingCount": bookings.count,
        ]
        // The form: as typed after a refusal, else an empty panel working Monday to Friday.
        func field(_ name: String, _ fallback: String = "") -> String { form.map { $0[name] } ?? fallback }
        let zone = field("zone", "WIB")
        values["form"] = [
            "id": field("id"), "interviewers": field("interviewers"), "place": field("place"),
            "zones": IndonesianTimeZone.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == zone] },
            "slotMinutes": field("slotMinutes", "30"), "bufferMinutes": field("bufferMinutes", "10"), "firstDay": field("firstDay"),
            "lastDay": field("lastDay"), "opens": field("opens", "08:00"), "closes": field("closes", "16:00"), "holidays": field("holidays"),
            "formations": field("formations"),
            "weekdays": Self.weekdayNames.enumerated().map { index, name -> [String: Any] in
                ["number": index + 1, "name": name, "checked": form.map { $0["hari-\(index + 1)"] == "1" } ?? (index < 5)]
            },
        ]
        values.merge(extra) { _, b in b }
        return pages.render("staf-wawancara-panitia", values, context: context, status: status)
    }
}
