import Foundation
import Hummingbird
import Registration
import Selection
import SeleksiCore

/// The committee admin's results page: the nodes' results packages received (and a form
/// to upload one brought on a stick), the SKD announcement previewed exactly as it will be
/// public, and publishing it as the next version. Each action is audited by the service.
struct AnnouncementPages {
    let service: RegistrationService
    let pages: PageRenderer

    /// The rows a preview shows on the page; the whole of it is the API's preview download.
    static let previewRows = 2_000

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/panitia/hasil") { request, context in
            let notice: [String: Any] =
                switch request.formQuery["selesai"] {
                case "impor": ["notice": "Paket hasil diterima."]
                case "terbit": ["notice": "Pengumuman diterbitkan; papan hasil menampilkannya mulai waktu tayangnya."]
                case "tarik": ["notice": "Pengumuman terjadwal ditarik; tidak pernah tayang. Terbitkan lagi dengan waktu yang benar bila perlu."]
                default: [:]
                }
            return try await page(context, values: notice)
        }
        router.post("/staf/panitia/hasil/impor") { request, context in
            let staff = try admin(context)
            let form = try await FormFields.read(request, context: context, limit: service.settings.maxPackageMB * 1_048_576 + 64 * 1024)
            try PageHelpers.checkSessionToken(context, form)
            do {
                guard let file = form.files["paket"], !file.isEmpty else {
                    throw RegistrationError.invalid("invalid-package", "Pilih berkas paket hasil (hasil-SESI.json dari node).")
                }
                let imported = try await service.importResults(Data(file), .upload(staff))
                if imported.unchanged {
                    return try await page(
                        context,
                        values: ["notice": "Paket hasil sesi \(imported.sessionID) sudah diterima sebelumnya; tidak ada yang berubah."]
                    )
                }
                return PageHelpers.redirect("/staf/panitia/hasil?selesai=impor")
            } catch let error as RegistrationError where error.code != "forbidden" {
                return try await page(context, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
        router.post("/staf/panitia/hasil/terbit") { request, context in
            let staff = try admin(context)
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                // What the admin saw: results that changed since the preview are not published by this form.
                _ = try await service.publishSKD(staff: staff, publishAt: try Self.publishTime(form), expectedContent: form["content"])
                return PageHelpers.redirect("/staf/panitia/hasil?selesai=terbit")
            } catch let error as RegistrationError where error.code != "forbidden" {
                return try await page(context, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
        // A scheduled version withdrawn before its time: cancelled, or moved by publishing again.
        router.post("/staf/panitia/hasil/tarik") { request, context in
            let staff = try admin(context)
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            do {
                guard let version = Int(form["version"]) else { throw RegistrationError.notFound }
                _ = try await service.withdrawScheduledAnnouncement(staff: staff, stage: RegistrationService.skdStage, version: version)
                return PageHelpers.redirect("/staf/panitia/hasil?selesai=tarik")
            } catch let error as RegistrationError where error.code != "forbidden" {
                return try await page(context, values: PageHelpers.error(error), status: PageHelpers.status(error))
            }
        }
    }

    func admin(_ context: PortalRequestContext) throws -> StaffAccount {
        let staff = try context.staff()
        try service.requireAdmin(staff)
        return staff
    }

    /// "Now", or a local date and time in the zone chosen.
    static func publishTime(_ form: FormFields) throws -> Int64? {
        guard !form["publishAt"].isEmpty else { return nil }
        guard let zone = IndonesianTimeZone(rawValue: form["timeZone"]), let at = IndonesianDate.parseInputValue(form["publishAt"], in: zone) else {
            throw RegistrationError.invalid("invalid-time", "Isi waktu tayang sebagai tanggal dan jam, dengan zona waktunya; kosongkan untuk sekarang.")
        }
        return at
    }

    func page(_ context: PortalRequestContext, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let staff = try admin(context)
        let packages = try await service.resultsPackages(staff: staff).map { package -> [String: Any] in
            [
                "session": package.sessionID, "node": package.nodeID, "candidates": package.candidates, "digest": package.digest,
                "at": IndonesianDate.dateTime(package.importedAt), "by": package.importedBy,
            ]
        }
        var values: [String: Any] = ["packages": packages, "zones": IndonesianTimeZone.allCases.map { ["value": $0.rawValue] }]
        do {
            let draft = try await service.skdAnnouncementDraft(staff: staff)
            let counts = Dictionary(grouping: draft.rows, by: \.code).map { ["code": $0.key, "count": $0.value.count] }.sorted {
                "\($0["code"]!)" < "\($1["code"]!)"
            }
            values["preview"] = [
                "version": draft.version, "previous": draft.previousDigest ?? "", "hasPrevious": draft.previousDigest != nil,
                "content": draft.contentDigest, "total": draft.rows.count, "counts": counts, "sources": draft.sources.count,
                "rows": draft.rows.prefix(Self.previewRows).map(BoardPages.row), "cut": draft.rows.count > Self.previewRows,
                "shown": min(draft.rows.count, Self.previewRows), "subtests": BoardPages.subtests,
            ]
        } catch let error as RegistrationError where error.code != "forbidden" {
            values["previewProblem"] = error.message
        }
        let versions = try await service.allAnnouncements(staff: staff, stage: RegistrationService.skdStage)
        values["published"] = versions.map { item -> [String: Any] in
            let scheduled = item.publishedAt > service.clock.nowMilliseconds()
            return [
                "version": item.version, "digest": item.digest, "at": IndonesianDate.dateTime(item.publishedAt), "rows": item.rows, "by": item.createdBy,
                "scheduled": scheduled, "withdrawable": scheduled && item.version == versions.last?.version,
            ]
        }
        return pages.render("staf-hasil", values.merging(extra) { _, b in b }, context: context, status: status)
    }
}
