import Foundation
import Hummingbird
import Registration
import SeleksiCore

/// The staff pages: login with password and TOTP, the verifier's worklist and
/// decision forms (their own agency only), objection answers, and the committee
/// admin's announcement, seating and audit log.
struct StaffPages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/masuk") { request, context in anonymousForm([:], request, context) }
        router.post("/staf/masuk") { request, context in
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkFormToken(request, form, pages.formTokens)
            do {
                let (token, session) = try await service.staffLogin(
                    username: form["username"],
                    password: form.values["password"] ?? "",
                    totp: form["totp"],
                    address: context.clientAddress
                )
                // Proctors have no portal pages: they land on the home page, signed in.
                guard case .staff(let staff) = session.principal else { throw RegistrationError.forbidden }
                let home =
                    switch staff.role {
                    case .verifier, .admin: "/staf/verifikasi"
                    case .observer: "/staf/pengamat"
                    case .interviewer: "/staf/wawancara"
                    case .proctor: "/"
                    }
                var response = PageHelpers.redirect(home)
                response.setCookie(PageHelpers.sessionCookie(token, maxAge: Int((session.expiresAt - service.clock.nowMilliseconds()) / 1000)))
                return response
            } catch let error as RegistrationError {
                return anonymousForm(
                    PageHelpers.error(error).merging(["username": form["username"]]) { a, _ in a },
                    request,
                    context,
                    status: PageHelpers.status(error)
                )
            }
        }
        router.get("/staf/verifikasi") { _, context in
            guard case .staff(let staff) = context.session?.principal else { return PageHelpers.redirect("/staf/masuk") }
            let items = try await service.worklist(staff: staff).map { item -> [String: Any] in
                [
                    "id": item.id, "name": item.name, "position": item.position,
                    "type": FormationType(rawValue: item.formationType)?.displayName ?? item.formationType,
                    "submittedAt": item.submittedAt.map(IndonesianDate.dateTime) ?? "", "result": item.result ?? "belum", "pending": item.objectionPending,
                ]
            }
            return pages.render("staf-daftar", ["items": items, "count": items.count, "agency": staff.agencyID ?? "semua instansi"], context: context)
        }
        router.get("/staf/verifikasi/:id") { _, context in try await detail(context, values: [:]) }
        router.post("/staf/verifikasi/:id/keputusan") { request, context in
            try await staffAction(request, context) { staff, id, form in
                guard let result = VerificationResult(rawValue: form["result"]) else { throw RegistrationError.invalid("invalid-result", "Pilih MS atau TMS.") }
                try await service.decide(
                    staff: staff,
                    id: id,
                    result: result,
                    reasonCode: form["reasonCode"].isEmpty ? nil : form["reasonCode"],
                    note: form["note"],
                    accommodations: Self.confirmedAccommodations(form)
                )
            }
        }
        router.post("/staf/verifikasi/:id/sanggahan") { request, context in
            try await staffAction(request, context) { staff, id, form in
                try await service.answerObjection(
                    staff: staff,
                    id: id,
                    accepted: form["accepted"] == "1",
                    answer: form["answer"],
                    accommodations: form["accepted"] == "1" ? Self.confirmedAccommodations(form) : []
                )
            }
        }
        router.get("/staf/verifikasi/:id/dokumen/:kind") { _, context in
            let (document, bytes) = try await service.documentForStaff(try context.staff(), id: try id(context), kind: try context.parameters.require("kind"))
            return fileResponse(document, bytes)
        }
        router.get("/staf/panitia") { request, context in try await committee(request, context, values: [:]) }
        router.post("/staf/panitia/umumkan") { request, context in
            try await adminAction(request, context) { staff, form in
                // One click asks first, naming what the announcement covers; the second announces,
                // only if that is still what it covers (a decision made in between asks again).
                let tally = try await service.announcementPreview(staff: staff)
                guard form["confirm"] == "1" else { throw ConfirmFirst(values: ["confirmAnnounce": Self.tallyValues(tally)]) }
                let changed = ConfirmFirst(values: ["confirmAnnounce": Self.tallyValues(tally), "error": AnnouncementRule.decisionsChanged().message])
                guard form["decisions"] == tally.decisions else { throw changed }
                let period: SelectionPeriod
                do {
                    period = try await service.announceResults(staff: staff, confirmed: form["decisions"])
                } catch let error as RegistrationError where error.code == "decisions-changed" {
                    throw changed
                }
                return "Hasil administrasi diumumkan; masa sanggah sampai \(period.objectionDeadline.map(IndonesianDate.dateTime) ?? "-")."
            }
        }
        router.post("/staf/panitia/jadwalkan") { request, context in
            try await adminAction(request, context) { staff, _ in
                let (assigned, unplaced) = try await service.assignSeats(staff: staff)
                return "\(assigned) peserta mendapat nomor dan kursi; \(unplaced) belum (tambah sesi di lokasi tesnya)."
            }
        }
    }

    func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw RegistrationError.notFound }
        return id
    }

    func anonymousForm(_ values: [String: Any], _ request: Request, _ context: PortalRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        pages.renderAnonymous("staf-masuk", values, request, context, status: status)
    }

    /// The accommodations a verifier ticked as supported by the documents (`accommodation-NAME`).
    static func confirmedAccommodations(_ form: FormFields) -> [String] {
        form.values.keys.filter { $0.hasPrefix("accommodation-") && form[$0] == "1" }.map { String($0.dropFirst("accommodation-".count)) }.sorted()
    }

    func detail(_ context: PortalRequestContext, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let staff = try context.staff()
        let (account, application) = try await service.openApplication(staff, id: try id(context))
        var values: [String: Any] = [
            "id": application.id, "name": account.name, "nik": account.nik, "birth": "\(account.birthPlace), \(IndonesianDate.day(account.birthDate))",
            "sex": account.sex == .female ? "perempuan" : "laki-laki",
            "email": account.email, "phone": account.phone, "formation": ApplicantPages.formationValues(application.formation),
            "education": [
                "level": application.draft.education.level.rawValue, "major": application.draft.education.major,
                "diplomaNumber": application.draft.education.diplomaNumber, "gpa": IndonesianNumber.decimal(application.draft.education.gpa),
                "graduationYear": application.draft.education.graduationYear,
            ] as [String: Any],
            "testLocation": application.draft.testLocation, "disability": application.draft.disability, "residesAbroad": application.draft.residesAbroad,
            "declares": application.draft.disability || application.draft.residesAbroad,
            "accommodations": application.draft.accommodations, "hasAsked": !application.draft.accommodations.isEmpty,
            // Asked for, each to be confirmed against the documents when deciding MS.
            "asked": application.draft.accommodations.map { name in
                ["name": name, "minutes": service.accommodationOffers().first { $0.name == name }?.extraMinutes ?? 0] as [String: Any]
            },
            "documents": application.documents.map { document in
                [
                    "kind": document.kind, "label": service.settings.documents.label(of: document.kind),
                    "sizeKB": (document.size + 1023) / 1024,
                ] as [String: Any]
            },
            "reasons": service.settings.rejectionReasons.map { ["code": $0.code, "label": $0.label] },
        ]
        if let verification = application.verification {
            values["verification"] = [
                "result": verification.result.rawValue, "reason": service.reasonLabel(verification.reasonCode) ?? "", "note": verification.note,
                "by": verification.by, "at": IndonesianDate.dateTime(verification.at),
                "confirmed": verification.accommodations.joined(separator: ", "),
            ]
        } else {
            values["canDecide"] = true
        }
        if let objection = application.objection {
            values["objection"] =
                [
                    "reason": objection.reason, "filedAt": IndonesianDate.dateTime(objection.filedAt), "answered": objection.answer != nil,
                    "answer": objection.answer ?? "", "accepted": objection.accepted == true, "by": objection.answeredBy ?? "",
                ] as [String: Any]
        }
        return pages.render("staf-lamaran", values.merging(extra) { _, b in b }, context: context, status: status)
    }

    func staffAction(
        _ request: Request,
        _ context: PortalRequestContext,
        _ action: (StaffAccount, Int64, FormFields) async throws -> Void
    ) async throws -> Response {
        let staff = try context.staff()
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkSessionToken(context, form)
        let id = try id(context)
        do {
            try await action(staff, id, form)
            return PageHelpers.redirect("/staf/verifikasi/\(id)")
        } catch let error as RegistrationError where error.code != "not-found" && error.code != "forbidden" {
            return try await detail(context, values: PageHelpers.error(error), status: PageHelpers.status(error))
        }
    }

    func committee(_ request: Request, _ context: PortalRequestContext, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let staff = try context.staff()
        let query = request.formQuery
        let filter = AuditFilter(
            actor: query["actor"].flatMap { $0.isEmpty ? nil : String($0) },
            action: query["action"].flatMap { $0.isEmpty ? nil : String($0) },
            limit: 200
        )
        let entries = try await service.auditLog(staff: staff, filter).map { entry -> [String: String] in
            [
                "at": IndonesianDate.dateTime(entry.at), "actor": entry.actor, "role": StaffLabels.role(named: entry.role),
                "action": StaffLabels.action(entry.action),
                "subject": entry.subject,
                "detail": entry.detail,
            ]
        }
        let period = try await service.period()
        var values: [String: Any] = [
            "period": period.name, "announced": period.resultsAnnouncedAt.map(IndonesianDate.dateTime) ?? "", "entries": entries,
            "actor": filter.actor ?? "",
            "actions": StaffLabels.actions.map { ["code": $0.code, "label": $0.label, "selected": $0.code == filter.action] as [String: Any] },
        ]
        values["slots"] = try await service.slots().map {
            [
                "id": $0.id, "venue": $0.venue, "location": $0.location, "date": $0.localStart, "session": $0.sessionNumber, "assigned": $0.assigned,
                "capacity": $0.capacity,
            ]
        }
        return pages.render("staf-panitia", values.merging(extra) { _, b in b }, context: context, status: status)
    }

    /// An action that shows a confirmation step (its values) before it is done.
    struct ConfirmFirst: Error {
        let values: [String: Any]
    }

    static func tallyValues(_ tally: VerificationTally) -> [String: Any] {
        ["submitted": tally.submitted, "ms": tally.ms, "tms": tally.tms, "decisions": tally.decisions]
    }

    func adminAction(
        _ request: Request,
        _ context: PortalRequestContext,
        _ action: (StaffAccount, FormFields) async throws -> String
    ) async throws -> Response {
        let staff = try context.staff()
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkSessionToken(context, form)
        do {
            let notice = try await action(staff, form)
            return try await committee(request, context, values: ["notice": notice])
        } catch let confirm as ConfirmFirst {
            return try await committee(request, context, values: confirm.values)
        } catch let error as RegistrationError where error.code != "forbidden" {
            return try await committee(request, context, values: PageHelpers.error(error), status: PageHelpers.status(error))
        }
    }
}
