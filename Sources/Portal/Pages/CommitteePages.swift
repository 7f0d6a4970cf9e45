import Foundation
import Hummingbird
import Registration
import SeleksiCore

/// The committee admin's set-up pages: the period's timetable, agencies, formations
/// (one by one, or an agency's whole table from CSV) and exam slots. Each form calls the
/// same service operation as the API, so it gives the same refusals, and each change is
/// audited there. A refused form is shown again with what was typed.
struct CommitteePages {
    let service: RegistrationService
    let pages: PageRenderer
    /// The API's cached public answers (formations, timetable): cleared after a change.
    let publicCache: TTLCache<ByteBuffer>

    /// The largest formation table accepted, in bytes.
    static let maxTableSize = 8 * 1024 * 1024

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/panitia/jadwal") { request, context in try await timetable(context, form: nil, values: saved(request)) }
        router.post("/staf/panitia/jadwal") { request, context in
            try await save(request, context, render: { try await timetable(context, form: $0, values: $1, status: $2) }) { staff, form in
                try await service.setPeriod(staff: staff, try Self.period(form))
                return "/staf/panitia/jadwal"
            }
        }
        router.get("/staf/panitia/instansi") { request, context in
            try await agencies(context, form: nil, editing: request.formQuery["kode"].map(String.init), values: saved(request))
        }
        router.post("/staf/panitia/instansi") { request, context in
            try await save(request, context, render: { try await agencies(context, form: $0, editing: nil, values: $1, status: $2) }) { staff, form in
                try await service.addAgency(staff: staff, Agency(id: form["id"], name: form["name"]))
                return "/staf/panitia/instansi"
            }
        }
        router.get("/staf/panitia/formasi") { request, context in try await formations(request, context, values: saved(request)) }
        router.get("/staf/panitia/formasi/ubah") { request, context in
            try await formationForm(context, form: nil, editing: request.formQuery["kode"].map(String.init))
        }
        router.post("/staf/panitia/formasi") { request, context in
            try await save(request, context, render: { try await formationForm(context, form: $0, editing: nil, values: $1, status: $2) }) { staff, form in
                try await service.addFormation(staff: staff, try Self.formation(form))
                return "/staf/panitia/formasi"
            }
        }
        router.post("/staf/panitia/formasi/impor") { request, context in try await importTable(request, context) }
        router.get("/staf/panitia/node") { request, context in try await nodes(context, form: nil, values: saved(request)) }
        router.post("/staf/panitia/node") { request, context in
            try await save(request, context, render: { try await nodes(context, form: $0, values: $1, status: $2) }) { staff, form in
                let venues = form["venues"].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                _ = try await service.registerNode(
                    staff: staff,
                    RegisteredNode(id: form["id"], venues: venues, url: form["url"], publicKey: form["publicKey"])
                )
                return "/staf/panitia/node"
            }
        }
        router.get("/staf/panitia/sesi") { request, context in try await slots(context, values: saved(request)) }
        router.get("/staf/panitia/sesi/ubah") { request, context in
            try await slotForm(context, form: nil, editing: request.formQuery["kode"].map(String.init))
        }
        router.post("/staf/panitia/sesi") { request, context in
            try await save(request, context, render: { try await slotForm(context, form: $0, editing: nil, values: $1, status: $2) }) { staff, form in
                try await service.addSlot(staff: staff, try Self.slot(form))
                return "/staf/panitia/sesi"
            }
        }
    }

    /// After a save's redirect (`?disimpan=1`): a fixed notice, since text from the URL is
    /// never shown as the committee's own.
    func saved(_ request: Request) -> [String: Any] {
        request.formQuery["disimpan"] == nil ? [:] : ["notice": "Perubahan disimpan."]
    }

    /// An admin, or the refusal every page of this set gives anyone else.
    func admin(_ context: PortalRequestContext) throws -> StaffAccount {
        let staff = try context.staff()
        try service.requireAdmin(staff)
        return staff
    }

    /// Checks the session's CSRF token, runs `action` and redirects to the page it names; a
    /// refusal shows the form again (`render`) with the message and the fields as typed.
    func save(
        _ request: Request,
        _ context: PortalRequestContext,
        render: (FormFields, [String: Any], HTTPResponse.Status) async throws -> Response,
        _ action: (StaffAccount, FormFields) async throws -> String
    ) async throws -> Response {
        let staff = try admin(context)
        let form = try await FormFields.read(request, context: context)
        try PageHelpers.checkSessionToken(context, form)
        do {
            let location = try await action(staff, form)
            publicCache.clear()
            return PageHelpers.redirect(location + "?disimpan=1")
        } catch let error as RegistrationError where error.code != "forbidden" {
            return try await render(form, PageHelpers.error(error), PageHelpers.status(error))
        }
    }

    // MARK: - Timetable

    static let windows = [
        ("registration", "Pendaftaran"), ("verification", "Verifikasi administrasi"), ("exam", "Ujian"), ("announcement", "Pengumuman akhir"),
    ]

    func timetable(
        _ context: PortalRequestContext,
        form: FormFields?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        _ = try admin(context)
        let period = try? await service.period()
        func field(_ name: String, _ stored: String?) -> String { FormFields.shown(form, name, stored) }
        let windows = Self.windows.map { key, label -> [String: Any] in
            let window: Window? =
                switch key {
                case "registration": period?.registration
                case "verification": period?.verification
                case "exam": period?.exam
                default: period?.announcement
                }
            return [
                "key": key, "label": label,
                "opens": field("\(key)_opens", window.map { IndonesianDate.inputValue($0.opens, in: .wib) }),
                "closes": field("\(key)_closes", window.map { IndonesianDate.inputValue($0.closes, in: .wib) }),
            ]
        }
        let values: [String: Any] = [
            "id": field("id", period?.id), "name": field("name", period?.name), "windows": windows,
            "objectionDays": field("objectionDays", period.map { String($0.objectionDays) } ?? "3"),
            "participantPrefix": field("participantPrefix", period?.participantPrefix),
            "announced": period?.resultsAnnouncedAt.map(IndonesianDate.dateTime) ?? "",
        ]
        return render("staf-jadwal", values, extra, context, status)
    }

    static func period(_ form: FormFields) throws -> SelectionPeriod {
        func window(_ key: String, _ label: String) throws -> Window {
            guard let opens = IndonesianDate.parseInputValue(form["\(key)_opens"], in: .wib),
                let closes = IndonesianDate.parseInputValue(form["\(key)_closes"], in: .wib)
            else { throw RegistrationError.invalid("invalid-timetable", "\(label): isi tanggal dan jam buka dan tutup (WIB).") }
            return Window(opens: opens, closes: closes)
        }
        guard !form["id"].isEmpty, !form["name"].isEmpty else { throw RegistrationError.invalid("invalid-timetable", "Kode dan nama periode wajib diisi.") }
        guard let days = Int(form["objectionDays"]) else { throw RegistrationError.invalid("invalid-timetable", "Masa sanggah diisi dengan jumlah hari.") }
        return SelectionPeriod(
            id: form["id"],
            name: form["name"],
            registration: try window("registration", "Pendaftaran"),
            verification: try window("verification", "Verifikasi administrasi"),
            objectionDays: days,
            exam: try window("exam", "Ujian"),
            announcement: try window("announcement", "Pengumuman akhir"),
            participantPrefix: form["participantPrefix"]
        )
    }

    // MARK: - Agencies

    func agencies(
        _ context: PortalRequestContext,
        form: FormFields?,
        editing: String?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        _ = try admin(context)
        let agencies = try await service.agencies()
        let edited = editing.flatMap { code in agencies.first { $0.id == code } }
        let values: [String: Any] = [
            "agencies": agencies.map { ["id": $0.id, "name": $0.name] },
            "id": FormFields.shown(form, "id", edited?.id), "name": FormFields.shown(form, "name", edited?.name),
            "editing": edited != nil,
        ]
        return render("staf-instansi", values, extra, context, status)
    }

    // MARK: - Formations

    func formations(
        _ request: Request,
        _ context: PortalRequestContext,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        _ = try admin(context)
        let page = request.formQuery["page"].flatMap { Int(String($0)) }.map { max(1, min($0, 100_000)) } ?? 1
        let (_, items, total) = try await service.formations(FormationFilter(page: page, pageSize: 100))
        var values: [String: Any] = [
            "items": items.map { f in
                ApplicantPages.formationValues(f)
            },
            "total": total, "page": page, "columns": FormationTable.columns.joined(separator: ","),
        ]
        if page * 100 < total { values["next"] = "/staf/panitia/formasi?page=\(page + 1)" }
        if page > 1 { values["previous"] = "/staf/panitia/formasi?page=\(page - 1)" }
        return render("staf-formasi", values, extra, context, status)
    }

    func formationForm(
        _ context: PortalRequestContext,
        form: FormFields?,
        editing: String?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        _ = try admin(context)
        let stored = try await editing.asyncMap { try? await service.formation(id: $0) } ?? nil
        func field(_ name: String, _ value: String?) -> String { FormFields.shown(form, name, value) }
        let agency = field("agencyID", stored?.agencyID)
        let level = field("educationLevel", stored?.educationLevel.rawValue)
        let type = field("type", stored?.type.rawValue ?? FormationType.general.rawValue)
        let values: [String: Any] = [
            "editing": stored != nil || form?["editing"] == "1",
            "id": field("id", stored?.id), "position": field("position", stored?.position), "unit": field("unit", stored?.unit),
            "location": field("location", stored?.location), "majors": field("majors", stored?.majors.joined(separator: "\n")),
            "quota": field("quota", stored.map { String($0.quota) }), "maxAge": field("maxAge", stored.map { String($0.maxAge) } ?? "35"),
            "agencies": try await service.agencies().map { ["id": $0.id, "name": $0.name, "selected": $0.id == agency] },
            "levels": EducationLevel.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == level] },
            "types": FormationType.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "selected": $0.rawValue == type] },
        ]
        return render("staf-formasi-ubah", values, extra, context, status)
    }

    static func formation(_ form: FormFields) throws -> Formation {
        guard let level = EducationLevel(rawValue: form["educationLevel"]) else {
            throw RegistrationError.invalid("invalid-formation", "Pilih jenjang pendidikan.")
        }
        guard let type = FormationType(rawValue: form["type"]) else { throw RegistrationError.invalid("invalid-formation", "Pilih jenis formasi.") }
        guard let quota = Int(form["quota"]), let maxAge = Int(form["maxAge"]) else {
            throw RegistrationError.invalid("invalid-formation", "Kuota dan batas usia diisi dengan angka.")
        }
        let majors = form["majors"].split(whereSeparator: { $0.isNewline || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return Formation(
            id: form["id"],
            periodID: "",
            agencyID: form["agencyID"],
            position: form["position"],
            unit: form["unit"],
            location: form["location"],
            educationLevel: level,
            majors: majors,
            quota: quota,
            type: type,
            maxAge: maxAge
        )
    }

    func importTable(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let staff = try admin(context)
        let form = try await FormFields.read(request, context: context, limit: Self.maxTableSize + 64 * 1024)
        try PageHelpers.checkSessionToken(context, form)
        guard let bytes = form.files["file"], !bytes.isEmpty else {
            return try await formations(
                request,
                context,
                values: PageHelpers.error(.invalid("no-file", "Pilih berkas CSV tabel formasi.")),
                status: .unprocessableContent
            )
        }
        guard bytes.count <= Self.maxTableSize, let text = String(validating: bytes, as: UTF8.self) else {
            let error = RegistrationError.invalid("invalid-formation-table", "Berkas harus CSV dengan teks UTF-8, paling besar 8 MB.")
            return try await formations(request, context, values: PageHelpers.error(error), status: .unprocessableContent)
        }
        do {
            let count = try await service.importFormations(staff: staff, csv: text, fileName: "tabel CSV")
            publicCache.clear()
            return try await formations(request, context, values: ["notice": "\(count) formasi diimpor."])
        } catch let problems as FormationTable.Problems {
            let error = RegistrationError.invalid(
                "invalid-formation-table",
                "Tabel tidak diimpor (tidak ada formasi yang disimpan): \(problems.lines.count) masalah."
            )
            return try await formations(
                request,
                context,
                values: PageHelpers.error(error).merging(["problems": problems.lines, "hasProblems": true]) { _, b in b },
                status: .unprocessableContent
            )
        } catch let error as RegistrationError where error.code != "forbidden" {
            return try await formations(request, context, values: PageHelpers.error(error), status: PageHelpers.status(error))
        }
    }

    // MARK: - Exam nodes

    func nodes(
        _ context: PortalRequestContext,
        form: FormFields?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        let staff = try admin(context)
        let nodes = try await service.nodes(staff: staff).map { node -> [String: Any] in
            [
                "id": node.id, "venues": node.venues.joined(separator: ", "), "url": node.url,
                "keyID": PublicSigningKey(text: node.publicKey)?.id ?? "", "at": IndonesianDate.dateTime(node.registeredAt), "by": node.registeredBy,
            ]
        }
        let venues = Array(Set(try await service.slots().map(\.venue))).sorted()
        let values: [String: Any] = [
            "nodes": nodes, "id": form?["id"] ?? "", "venues": form?["venues"] ?? "", "url": form?["url"] ?? "", "publicKey": form?["publicKey"] ?? "",
            "venueList": venues, "hasVenues": !venues.isEmpty,
        ]
        return render("staf-node", values, extra, context, status)
    }

    // MARK: - Exam slots

    func slots(_ context: PortalRequestContext, values extra: [String: Any]) async throws -> Response {
        _ = try admin(context)
        let values: [String: Any] = [
            "slots": try await service.slots().map {
                [
                    "id": $0.id, "venue": $0.venue, "location": $0.location, "start": $0.localStart, "session": $0.sessionNumber, "assigned": $0.assigned,
                    "capacity": $0.capacity,
                ]
            }
        ]
        return render("staf-sesi", values, extra, context, .ok)
    }

    func slotForm(
        _ context: PortalRequestContext,
        form: FormFields?,
        editing: String?,
        values extra: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        _ = try admin(context)
        let stored = try await editing.asyncMap { code in try await service.slots().first { $0.id == code } } ?? nil
        func field(_ name: String, _ value: String?) -> String { FormFields.shown(form, name, value) }
        let zone = field("timeZone", stored?.timeZone.rawValue ?? IndonesianTimeZone.wib.rawValue)
        let values: [String: Any] = [
            "editing": stored != nil || form?["editing"] == "1",
            "id": field("id", stored?.id), "venue": field("venue", stored?.venue), "location": field("location", stored?.location),
            "startsAt": field("startsAt", stored.map { IndonesianDate.inputValue($0.startsAt, in: $0.timeZone) }),
            "session": field("sessionNumber", stored.map { String($0.sessionNumber) } ?? "1"),
            "capacity": field("capacity", stored.map { String($0.capacity) }), "assigned": stored?.assigned ?? 0,
            "zones": IndonesianTimeZone.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == zone] },
        ]
        return render("staf-sesi-ubah", values, extra, context, status)
    }

    static func slot(_ form: FormFields) throws -> ExamSlot {
        guard let zone = IndonesianTimeZone(rawValue: form["timeZone"]) else {
            throw RegistrationError.invalid("invalid-slot", "Pilih zona waktu tempat ujian.")
        }
        guard let startsAt = IndonesianDate.parseInputValue(form["startsAt"], in: zone) else {
            throw RegistrationError.invalid("invalid-slot", "Isi tanggal dan jam mulai sesi (waktu setempat, \(zone.rawValue)).")
        }
        guard let session = Int(form["sessionNumber"]), let capacity = Int(form["capacity"]) else {
            throw RegistrationError.invalid("invalid-slot", "Nomor sesi dan kapasitas diisi dengan angka.")
        }
        return ExamSlot(
            id: form["id"],
            periodID: "",
            venue: form["venue"],
            location: form["location"],
            startsAt: startsAt,
            timeZone: zone,
            sessionNumber: session,
            capacity: capacity
        )
    }

    // MARK: -

    func render(
        _ template: String,
        _ values: [String: Any],
        _ extra: [String: Any],
        _ context: PortalRequestContext,
        _ status: HTTPResponse.Status
    ) -> Response {
        pages.render(template, values.merging(extra) { _, b in b }, context: context, status: status)
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
