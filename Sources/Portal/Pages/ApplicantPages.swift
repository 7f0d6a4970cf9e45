import Foundation
import Hummingbird
import NIOCore
import Registration
import Selection
import SeleksiCore

/// The public and applicant pages: every step from the formation list to the exam
/// card, usable without JavaScript and on a phone. Each handler calls the same
/// service operation as the JSON API.
struct ApplicantPages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/") { _, context in try await home(context) }
        router.get("/formasi") { request, context in try await formations(request, context) }
        router.get("/daftar") { request, context in anonymousForm("daftar", Self.returning(request.formQuery["lanjut"].map(String.init)), request, context) }
        router.post("/daftar") { request, context in try await signUp(request, context) }
        router.get("/verifikasi-email") { request, context in
            anonymousForm(
                "verifikasi-email",
                Self.returning(request.formQuery["lanjut"].map(String.init)).merging(["email": request.formQuery["email"].map(String.init) ?? ""]) { a, _ in a
                },
                request,
                context
            )
        }
        router.post("/verifikasi-email") { request, context in try await verifyEmail(request, context) }
        router.get("/masuk") { request, context in
            var values: [String: Any] = [:]
            let verified = request.formQuery["ok"] != nil
            if verified { values["notice"] = "Email terverifikasi. Silakan masuk." }
            if request.formQuery["sandi"] != nil { values["notice"] = "Kata sandi sudah diganti. Silakan masuk." }
            if let path = ReturnPath.safe(request.formQuery["lanjut"].map(String.init)) {
                values.merge(Self.returning(path)) { _, b in b }
                // Named only as the portal knows it: the link's own text is never shown.
                var formation: Formation?
                if let code = ReturnPath.formationCode(in: path) { formation = try? await service.formation(id: code) }
                values["notice"] = (verified ? "Email terverifikasi. " : "") + ReturnPath.reason(path, formation: formation)
            }
            return anonymousForm("masuk", values, request, context)
        }
        router.post("/masuk") { request, context in try await login(request, context) }
        router.post("/masuk/kode") { request, context in try await loginWithCode(request, context) }
        router.post("/keluar") { request, context in
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            if let token = context.token { try await service.logout(token: token) }
            var response = PageHelpers.redirect("/")
            response.setCookie(Cookie(name: sessionCookie, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .lax))
            return response
        }
        router.get("/lupa-sandi") { request, context in anonymousForm("lupa-sandi", [:], request, context) }
        router.post("/lupa-sandi") { request, context in
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkFormToken(request, form, pages.formTokens)
            try await service.requestPasswordReset(email: form["email"])
            return PageHelpers.redirect("/atur-sandi?email=" + (form["email"].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        router.get("/atur-sandi") { request, context in
            anonymousForm("atur-sandi", ["email": request.formQuery["email"].map(String.init) ?? ""], request, context)
        }
        router.post("/atur-sandi") { request, context in
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkFormToken(request, form, pages.formTokens)
            do {
                try await service.resetPassword(
                    email: form["email"],
                    code: form["code"],
                    newPassword: form.values["password"] ?? "",
                    address: context.clientAddress
                )
                return PageHelpers.redirect("/masuk?sandi=1")
            } catch let error as RegistrationError {
                return anonymousForm(
                    "atur-sandi",
                    PageHelpers.error(error).merging(["email": form["email"]]) { a, _ in a },
                    request,
                    context,
                    status: PageHelpers.status(error)
                )
            }
        }
        router.get("/lamaran") { request, context in try await dashboard(request, context, values: [:]) }
        router.post("/lamaran") { request, context in try await saveApplication(request, context) }
        router.post("/lamaran/dokumen") { request, context in try await upload(request, context) }
        router.post("/lamaran/akhiri") { request, context in
            try await applicantAction(request, context, then: "/lamaran?diakhiri=1") { id, _ in _ = try await service.submit(accountID: id) }
        }
        router.post("/lamaran/sanggah") { request, context in
            try await applicantAction(request, context, then: "/lamaran?sanggah=1") { id, form in
                _ = try await service.fileObjection(accountID: id, reason: form["reason"])
            }
        }
        router.get("/lamaran/dokumen/:kind") { _, context in
            let (document, data) = try await service.document(accountID: try context.applicantID(), kind: try context.parameters.require("kind"))
            return fileResponse(document, [UInt8](data))
        }
        router.get("/wawancara") { request, context in try await interviewPage(request, context, values: [:]) }
        router.post("/wawancara/pindah") { request, context in
            let id = try context.applicantID()
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                guard let start = Int64(form["start"]) else { throw RegistrationError.invalid("interview-no-slot", "Pilih slot baru dulu.") }
                _ = try await service.moveInterview(accountID: id, start: start)
                return PageHelpers.redirect("/wawancara?dipindah=1")
            } catch let error as RegistrationError {
                return try await interviewPage(request, context, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
        router.get("/kartu-pendaftaran") { _, context in
            let (account, application) = try await service.registrationCard(accountID: try context.applicantID())
            return pages.render("kartu-pendaftaran", Self.cardValues(account, application, documents: service.settings.documents), context: context)
        }
        router.get("/kartu-ujian") { _, context in
            let (account, application, seat) = try await service.examCard(accountID: try context.applicantID())
            var values = Self.cardValues(account, application, documents: service.settings.documents)
            values["participantNumber"] = seat.participantNumber
            values["venue"] = seat.slot.venue
            values["location"] = seat.slot.location
            // Every time in the venue's own zone, labelled: a Kupang card reads WITA.
            let slot = seat.slot
            let zone = slot.timeZone.rawValue
            let ends = slot.startsAt + Int64(try service.workingMinutes(application)) * 60_000
            values["date"] = IndonesianDate.date(slot.startsAt, in: slot.timeZone)
            values["hours"] = "\(IndonesianDate.time(slot.startsAt, in: slot.timeZone))–\(IndonesianDate.time(ends, in: slot.timeZone)) \(zone)"
            values["arrive"] = "\(IndonesianDate.time(slot.startsAt - Int64(service.settings.arrivalMinutes) * 60_000, in: slot.timeZone)) \(zone)"
            values["session"] = slot.sessionNumber
            values["hasPhoto"] = application.documents.contains { $0.kind == "foto" }
            values["period"] = try await service.period().name
            values["accessCode"] = service.accessCode(participantNumber: seat.participantNumber, periodID: application.periodID)
            values["rules"] = examCardRules(arrivalMinutes: service.settings.arrivalMinutes)
            return pages.render("kartu-ujian", values, context: context)
        }
    }

    // MARK: - Public

    func home(_ context: PortalRequestContext) async throws -> Response {
        guard let period = try await service.store.currentPeriod() else {
            return pages.render("beranda", ["noPeriod": true], context: context)
        }
        let rows: [[String: String]] = [
            ["label": "Pendaftaran", "window": period.registration.indonesian],
            ["label": "Verifikasi administrasi", "window": period.verification.indonesian],
            [
                "label": "Sanggahan",
                "window": period.objectionDeadline.map { "sampai " + IndonesianDate.dateTime($0) }
                    ?? "\(period.objectionDays) hari setelah pengumuman hasil administrasi",
            ],
            ["label": "Ujian SKD", "window": period.exam.indonesian],
            ["label": "Pengumuman", "window": period.announcement.indonesian],
        ]
        return pages.render("beranda", ["period": period.name, "timetable": rows], context: context)
    }

    func formations(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let query = request.formQuery
        var values: [String: Any] = [
            "q": query["q"].map(String.init) ?? "", "location": query["location"].map(String.init) ?? "",
            "types": FormationType.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "selected": query["type"].map(String.init) == $0.rawValue] },
            "levels": EducationLevel.allCases.map { ["value": $0.rawValue, "selected": query["education"].map(String.init) == $0.rawValue] },
        ]
        do {
            let filter = try FormationQuery.filter(query)
            let (_, items, total) = try await service.formations(filter)
            values["total"] = total
            values["items"] = items.map(Self.formationValues)
            values["page"] = filter.page
            if filter.page * filter.pageSize < total {
                var next = URLComponents()
                var items: [URLQueryItem] = []
                for key in ["q", "type", "education", "location"] {
                    if let value = query[Substring(key)] { items.append(URLQueryItem(name: key, value: String(value))) }
                }
                items.append(URLQueryItem(name: "page", value: String(filter.page + 1)))
                next.queryItems = items
                values["next"] = "/formasi" + (next.string ?? "")
            }
            return pages.render("formasi", values, context: context)
        } catch let error as RegistrationError {
            return pages.render("formasi", values.merging(PageHelpers.error(error)) { _, b in b }, context: context, status: PageHelpers.status(error))
        }
    }

    static func formationValues(_ f: Formation) -> [String: Any] {
        [
            "id": f.id, "agency": f.agencyName, "position": f.position, "unit": f.unit, "location": f.location, "education": f.educationLevel.rawValue,
            "majors": f.majors.joined(separator: ", "), "quota": f.quota, "type": f.type.displayName, "maxAge": f.maxAge,
        ]
    }

    // MARK: - Account

    func anonymousForm(
        _ template: String,
        _ values: [String: Any],
        _ request: Request,
        _ context: PortalRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.renderAnonymous(template, values, request, context, status: status)
    }

    func signUp(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkFormToken(request, form, pages.formTokens)
        let signUp = SignUp(
            nik: form["nik"],
            kk: form["kk"],
            name: form["name"],
            birthPlace: form["birthPlace"],
            birthDate: form["birthDate"],
            sex: form["sex"],
            email: form["email"],
            phone: form["phone"],
            password: form.values["password"] ?? ""
        )
        do {
            guard form.values["password"] == form.values["password2"] else {
                throw RegistrationError.invalid("password-mismatch", "Ulangi kata sandi yang sama.")
            }
            let account = try await service.signUp(signUp, address: context.clientAddress)
            return PageHelpers.redirect(
                "/verifikasi-email?email=" + ReturnPath.encoded(account.email) + Self.returnParameter(form["lanjut"])
            )
        } catch let error as RegistrationError {
            var values = form.values
            values["password"] = nil
            values["password2"] = nil
            var all: [String: Any] = values
            all["sexL"] = form["sex"] == "L"
            all["sexP"] = form["sex"] == "P"
            all.merge(Self.returning(form["lanjut"])) { _, b in b }
            return anonymousForm("daftar", all.merging(PageHelpers.error(error)) { _, b in b }, request, context, status: PageHelpers.status(error))
        }
    }

    func verifyEmail(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkFormToken(request, form, pages.formTokens)
        do {
            if form["resend"] == "1" {
                try await service.resendVerification(email: form["email"])
                return anonymousForm(
                    "verifikasi-email",
                    Self.returning(form["lanjut"]).merging(["email": form["email"], "notice": "Jika alamat itu terdaftar, kode baru sudah dikirim."]) {
                        _,
                        b in b
                    },
                    request,
                    context
                )
            }
            try await service.verifyEmail(email: form["email"], code: form["code"], address: context.clientAddress)
            // Signed in already (the address was changed or verified later): no need to sign in again.
            if case .applicant = context.session?.principal { return PageHelpers.redirect("/lamaran?email=1") }
            return PageHelpers.redirect("/masuk?ok=1" + Self.returnParameter(form["lanjut"]))
        } catch let error as RegistrationError {
            return anonymousForm(
                "verifikasi-email",
                PageHelpers.error(error).merging(["email": form["email"]]) { a, _ in a }.merging(Self.returning(form["lanjut"])) { a, _ in a },
                request,
                context,
                status: PageHelpers.status(error)
            )
        }
    }

    func login(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkFormToken(request, form, pages.formTokens)
        do {
            let (token, session) = try await service.login(nikOrEmail: form["login"], password: form.values["password"] ?? "", address: context.clientAddress)
            var response = PageHelpers.redirect(ReturnPath.safe(form["lanjut"]) ?? "/lamaran")
            response.setCookie(PageHelpers.sessionCookie(token, maxAge: Int((session.expiresAt - service.clock.nowMilliseconds()) / 1000)))
            return response
        } catch let error as RegistrationError {
            // Over a limit: the second step, the code sent by email, on the same page.
            let values = PageHelpers.error(error).merging([
                "login": form["login"], "codeStep": error.code == "sign-in-code-required",
            ]) { a, _ in a }
            return anonymousForm(
                "masuk",
                values.merging(Self.returning(form["lanjut"])) { a, _ in a },
                request,
                context,
                status: PageHelpers.status(error)
            )
        }
    }

    func loginWithCode(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkFormToken(request, form, pages.formTokens)
        do {
            let (token, session) = try await service.loginWithCode(nikOrEmail: form["login"], code: form["code"], address: context.clientAddress)
            var response = PageHelpers.redirect(ReturnPath.safe(form["lanjut"]) ?? "/lamaran")
            response.setCookie(PageHelpers.sessionCookie(token, maxAge: Int((session.expiresAt - service.clock.nowMilliseconds()) / 1000)))
            return response
        } catch let error as RegistrationError {
            let values = PageHelpers.error(error).merging(["login": form["login"], "codeStep": true]) {
                a,
                _ in a
            }
            return anonymousForm(
                "masuk",
                values.merging(Self.returning(form["lanjut"])) { a, _ in a },
                request,
                context,
                status: PageHelpers.status(error)
            )
        }
    }

    // MARK: - Application

    func dashboard(_ request: Request, _ context: PortalRequestContext, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response
    {
        guard case .applicant(let id) = context.session?.principal else {
            // Sign-in (and creating an account on the way) returns to the link with its choice;
            // nothing is kept in the browser for the next person at a shared PC.
            return PortalErrorMiddleware.signIn(request)
        }
        let account = try await service.account(id: id)
        let period = try await service.period()
        let application = try await service.application(accountID: id)
        var values: [String: Any] = [
            "name": account.name, "nik": account.nik, "email": account.email, "emailVerified": account.emailVerified,
            "period": period.name, "registrationWindow": period.registration.indonesian,
        ]
        values["done"] = Self.confirmation(request.formQuery, documents: service.settings.documents)
        let draft = application?.draft
        let offered = service.accommodationOffers()
        // After a refusal the form shows what was typed, not what was last saved.
        let typed = extra["typed"] as? FormFields
        func field(_ name: String, saved: String) -> String { typed.map { $0[name] } ?? saved }
        let chosenFormation = field("formationID", saved: request.formQuery["formasi"].map(String.init) ?? draft?.formationID ?? "")
        if !chosenFormation.isEmpty, let formation = try? await service.formation(id: chosenFormation) {
            values["chosen"] = Self.formationValues(formation)
        }
        let level = field("level", saved: draft?.education.level.rawValue ?? "")
        let location = field("testLocation", saved: draft?.testLocation ?? "")
        let checked = { (name: String, saved: Bool) -> Bool in typed.map { $0[name] == "1" } ?? saved }
        let locations = try await service.testLocations()
        values["form"] =
            [
                "formationID": chosenFormation, "level": level, "major": field("major", saved: draft?.education.major ?? ""),
                "diplomaNumber": field("diplomaNumber", saved: draft?.education.diplomaNumber ?? ""),
                "gpa": field("gpa", saved: draft.map { IndonesianNumber.decimal($0.education.gpa) } ?? ""),
                "graduationYear": field("graduationYear", saved: draft.map { String($0.education.graduationYear) } ?? ""),
                "disability": checked("disability", draft?.disability ?? false),
                "residesAbroad": checked("residesAbroad", draft?.residesAbroad ?? false),
                "offersAccommodations": !offered.isEmpty,
                "accommodations": offered.map { offer in
                    [
                        "name": offer.name, "label": offer.name.capitalized, "minutes": offer.extraMinutes,
                        "types": offer.formationTypes.map { $0.map(\.displayName).joined(separator: ", ") } ?? "",
                        "checked": checked("accommodation-" + offer.name, draft?.accommodations.contains(offer.name) ?? false),
                    ] as [String: Any]
                },
                "levels": EducationLevel.allCases.map { ["value": $0.rawValue, "selected": level == $0.rawValue] },
                "locations": locations.map { ["value": $0, "selected": location == $0] },
                "fieldError": extra["fieldError"] ?? [String: String](),
            ] as [String: Any]
        if let application {
            values["application"] =
                [
                    "id": application.id, "draft": application.status == .draft, "submitted": application.status == .submitted,
                    "formation": Self.formationValues(application.formation),
                    "submittedAt": application.submittedAt.map(IndonesianDate.dateTime) ?? "",
                    "awaitingVerification": application.status == .submitted && service.visibleVerification(application, period: period) == nil,
                    "verificationWindow": period.verification.indonesian,
                ] as [String: Any]
            values["documents"] = service.settings.documents.map { requirement -> [String: Any] in
                let stored = application.documents.first { $0.kind == requirement.kind }
                return [
                    "kind": requirement.kind, "label": requirement.label, "type": requirement.type.label, "accept": requirement.type.contentType,
                    "maxKB": requirement.maxKB, "uploaded": stored != nil, "sizeKB": stored.map { ($0.size + 1023) / 1024 } ?? 0,
                    "editable": application.status == .draft,
                ]
            }
            if let verification = service.visibleVerification(application, period: period) {
                var result: [String: Any] = [
                    "ms": verification.result == .ms, "result": verification.result.rawValue, "reason": service.reasonLabel(verification.reasonCode) ?? "",
                    "note": verification.note,
                ]
                if let objection = application.objection {
                    result["objection"] =
                        [
                            "reason": objection.reason, "filedAt": IndonesianDate.dateTime(objection.filedAt), "answer": objection.answer ?? "",
                            "answered": objection.answer != nil, "accepted": objection.accepted == true,
                        ] as [String: Any]
                } else if verification.result == .tms, let deadline = period.objectionDeadline, service.clock.nowMilliseconds() <= deadline {
                    result["canObject"] = true
                    result["deadline"] = IndonesianDate.dateTime(deadline)
                }
                values["result"] = result
            }
            if let seat = application.assignment {
                values["participantNumber"] = seat.participantNumber
                var interview = (try? await service.interview(accountID: id)) != nil
                if !interview { interview = ((try? await service.withdrawnInterview(accountID: id)) ?? nil) != nil }
                values["hasInterview"] = interview
            }
        }
        return pages.render("lamaran", values.merging(extra) { _, b in b }, context: context, status: status)
    }

    /// The applicant's interview: when and where in the place's zone, the calendar file,
    /// and (once, before the deadline) a form to move it to a free slot of the panel.
    func interviewPage(
        _ request: Request,
        _ context: PortalRequestContext,
        values extra: [String: Any],
        status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        let id = try context.applicantID()
        let view: RegistrationService.InterviewView
        do {
            view = try await service.interview(accountID: id)
        } catch let error as RegistrationError where error.code == "no-interview" {
            // Withdrawn (an interviewer's conflict of interest) and not yet booked again: say so.
            guard let (withdrawn, panel) = try await service.withdrawnInterview(accountID: id) else { throw error }
            let values: [String: Any] = [
                "withdrawn": true, "participantNumber": withdrawn.participantNumber,
                "was": IndonesianDate.dateTime(withdrawn.slot.start, in: panel.zone),
            ]
            return pages.render("wawancara", values.merging(extra) { _, b in b }, context: context, status: status)
        }
        let zone = view.panel.zone
        let slot = view.booking.slot
        let video = view.panel.place.hasPrefix("https://")
        let values: [String: Any] = [
            "participantNumber": view.booking.participantNumber,
            "date": IndonesianDate.date(slot.start, in: zone),
            "hours": "\(IndonesianDate.time(slot.start, in: zone))–\(IndonesianDate.time(slot.end, in: zone)) \(zone.rawValue)",
            "place": view.panel.place, "video": video, "moved": view.booking.movedAt != nil, "canMove": view.canMove && !view.freeSlots.isEmpty,
            "full": view.canMove && view.freeSlots.isEmpty, "deadline": IndonesianDate.dateTime(view.moveDeadline, in: zone),
            "done": request.formQuery["dipindah"] != nil,
            "slots": view.freeSlots.map { free in
                [
                    "start": String(free.start),
                    "label": "\(IndonesianDate.date(free.start, in: zone)), \(IndonesianDate.time(free.start, in: zone)) \(zone.rawValue)",
                ]
            },
        ]
        return pages.render("wawancara", values.merging(extra) { _, b in b }, context: context, status: status)
    }

    /// A page's values for where sign-in returns to (`lanjut`, when it is safe): the hidden
    /// field's value and the same as a query for the links on the way (sign-up, email).
    static func returning(_ path: String?) -> [String: Any] {
        guard let path = ReturnPath.safe(path) else { return [:] }
        return ["lanjut": path, "lanjutQuery": ReturnPath.encoded(path)]
    }

    /// `&lanjut=…` to append to a redirect's query, or nothing.
    static func returnParameter(_ path: String?) -> String { ReturnPath.safe(path).map { "&lanjut=" + ReturnPath.encoded($0) } ?? "" }

    /// What the applicant's last action did and what comes next, shown after its redirect.
    static func confirmation(_ query: Parameters, documents: [DocumentRequirement]) -> String? {
        if query["disimpan"] != nil { return "Lamaran tersimpan. Berikutnya: unggah setiap dokumen di bawah, lalu akhiri pendaftaran." }
        if let kind = query["unggah"], let document = documents.first(where: { $0.kind == kind }) {
            return "Berkas \(document.label) terunggah. Periksa bahwa semua dokumen sudah terunggah sebelum mengakhiri pendaftaran."
        }
        if query["diakhiri"] != nil { return "Pendaftaran sudah diakhiri. Lamaran Anda kini menunggu verifikasi instansi; hasilnya tampil di halaman ini." }
        if query["email"] != nil { return "Email terverifikasi." }
        if query["sanggah"] != nil { return "Sanggahan terkirim. Jawaban instansi akan tampil di halaman ini." }
        return nil
    }

    /// The field of the application form a refusal is about, so the page says it next to
    /// that field (and at the top).
    static let applicationField: [String: String] = [
        "unknown-formation": "formationID", "second-application": "formationID", "invalid-education": "level",
        "invalid-diploma-number": "diplomaNumber", "invalid-gpa": "gpa", "invalid-graduation-year": "graduationYear",
        "invalid-test-location": "testLocation", "invalid-accommodation": "accommodations",
    ]

    func draft(from form: FormFields) throws -> ApplicationDraft {
        guard let level = EducationLevel(rawValue: form["level"]) else {
            throw RegistrationError.invalid("invalid-education", "Pilih jenjang pendidikan.")
        }
        guard let gpa = Double(form["gpa"].replacingOccurrences(of: ",", with: ".")) else {
            throw RegistrationError.invalid("invalid-gpa", "IPK harus angka, misalnya 3,25.")
        }
        guard let year = Int(form["graduationYear"]) else {
            throw RegistrationError.invalid("invalid-graduation-year", "Tahun lulus harus angka.")
        }
        return ApplicationDraft(
            formationID: form["formationID"],
            education: Education(level: level, major: form["major"], diplomaNumber: form["diplomaNumber"], gpa: gpa, graduationYear: year),
            testLocation: form["testLocation"],
            disability: form["disability"] == "1",
            residesAbroad: form["residesAbroad"] == "1",
            accommodations: form.values.keys.filter { $0.hasPrefix("accommodation-") && form[$0] == "1" }.map { String($0.dropFirst("accommodation-".count)) }
                .sorted()
        )
    }

    func saveApplication(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let id = try context.applicantID()
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkSessionToken(context, form)
        do {
            let draft = try draft(from: form)
            if try await service.application(accountID: id) == nil {
                _ = try await service.createApplication(accountID: id, draft: draft)
            } else {
                _ = try await service.updateApplication(accountID: id, draft: draft)
            }
            return PageHelpers.redirect("/lamaran?disimpan=1")
        } catch let error as RegistrationError {
            var values = PageHelpers.error(error)
            values["typed"] = form
            if let name = Self.applicationField[error.code] { values["fieldError"] = [name: error.message] }
            return try await dashboard(request, context, values: values, status: PageHelpers.status(error))
        }
    }

    /// One form per document: its action names the document (`?jenis=foto`), so a file
    /// over that document's own limit is refused before its bytes are read, naming the
    /// document, its limit and its type (not the largest limit of any document).
    func upload(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let id = try context.applicantID()
        let named = request.formQuery["jenis"].map(String.init)
        let requirement = named.flatMap { kind in service.settings.documents.first { $0.kind == kind } }
        let limit = (requirement?.maxBytes ?? service.settings.documents.map(\.maxBytes).max() ?? 0) + 16 * 1024
        func tooLarge() async throws -> Response {
            let error =
                requirement.map { RegistrationError.fileTooLarge($0) }
                ?? .invalid("file-too-large", "Berkas terlalu besar; setiap dokumen punya batasnya sendiri (lihat kolom Syarat).")
            return try await dashboard(request, context, values: PageHelpers.error(error), status: .contentTooLarge)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return try await tooLarge() }
        let form: FormFields
        do {
            form = try await FormFields.read(request, context: context, limit: limit)
        } catch is NIOTooManyBytesError {
            return try await tooLarge()
        }
        try PageHelpers.checkSessionToken(context, form)
        do {
            let kind = named ?? form["kind"]
            guard let bytes = form.files["file"], !bytes.isEmpty else { throw RegistrationError.emptyFile(try service.requirement(kind: kind)) }
            let stored = try await service.uploadDocument(accountID: id, kind: kind, bytes: bytes)
            return PageHelpers.redirect("/lamaran?unggah=\(stored.kind)#dokumen")
        } catch let error as RegistrationError {
            return try await dashboard(request, context, values: PageHelpers.error(error), status: PageHelpers.status(error))
        }
    }

    func applicantAction(
        _ request: Request,
        _ context: PortalRequestContext,
        then done: String,
        _ action: (Int64, FormFields) async throws -> Void
    ) async throws -> Response {
        let id = try context.applicantID()
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkSessionToken(context, form)
        do {
            try await action(id, form)
            return PageHelpers.redirect(done)
        } catch let error as RegistrationError {
            return try await dashboard(request, context, values: PageHelpers.error(error), status: PageHelpers.status(error))
        }
    }

    static func cardValues(_ account: Account, _ application: Registration.Application, documents: [DocumentRequirement]) -> [String: Any] {
        [
            "name": account.name, "nik": account.nik, "birth": "\(account.birthPlace), \(IndonesianDate.day(account.birthDate))",
            "registrationNumber": String(format: "REG-%08d", application.id),
            "agency": application.formation.agencyName, "position": application.formation.position, "unit": application.formation.unit,
            "formationType": application.formation.type.displayName,
            "education": "\(application.draft.education.level.rawValue) \(application.draft.education.major)",
            "submittedAt": application.submittedAt.map(IndonesianDate.dateTime) ?? "", "testLocation": application.draft.testLocation,
            "documents": application.documents.map { document in
                ["label": documents.label(of: document.kind), "sha": String(document.sha256.prefix(16))]
            },
        ]
    }
}
