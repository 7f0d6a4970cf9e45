import Foundation
import Hummingbird
import Registration
import SeleksiCore

/// A NIK someone else took: the owner's claim form (anonymous, with their KTP and KK
/// scans), and the verifiers' list, comparison and decision.
struct ClaimPages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/klaim-nik") { request, context in
            let filed = request.formQuery["diajukan"] != nil
            return form(filed ? ["notice": "Klaim diterima. Keputusan verifikator dikirim ke email yang Anda isikan."] : [:], request, context)
        }
        router.post("/klaim-nik") { request, context in try await file(request, context) }
        router.get("/staf/klaim") { _, context in
            let staff = try context.staff()
            let claims = try await service.claims(staff: staff).map { claim -> [String: Any] in
                [
                    "id": claim.id, "name": claim.name, "nik": claim.nik, "filedAt": IndonesianDate.dateTime(claim.filedAt),
                    "status": claim.status.indonesian, "pending": claim.status == .pending,
                ]
            }
            return pages.render("staf-klaim-daftar", ["claims": claims, "count": claims.count], context: context)
        }
        router.get("/staf/klaim/:id") { _, context in try await detail(context, values: [:]) }
        router.get("/staf/klaim/:id/dokumen/:kind") { _, context in
            let (document, bytes) = try await service.claimDocument(
                staff: try context.staff(),
                id: try id(context),
                kind: try context.parameters.require("kind")
            )
            return fileResponse(document, bytes)
        }
        router.post("/staf/klaim/:id/keputusan") { request, context in
            let staff = try context.staff()
            let form = try await FormFields.read(request, context: context)
            try PageHelpers.checkSessionToken(context, form)
            let id = try id(context)
            guard ["terima", "tolak"].contains(form["decision"]) else {
                return try await detail(
                    context,
                    values: PageHelpers.error(.invalid("invalid-decision", "Pilih terima atau tolak.")),
                    status: .unprocessableContent
                )
            }
            do {
                _ = try await service.decideClaim(staff: staff, id: id, upheld: form["decision"] == "terima", note: form["note"])
                return PageHelpers.redirect("/staf/klaim/\(id)")
            } catch let error as RegistrationError where error.code != "not-found" && error.code != "forbidden" {
                return try await detail(
                    context,
                    values: PageHelpers.error(error).merging(["note": form["note"]]) { _, b in b },
                    status: PageHelpers.status(error)
                )
            }
        }
    }

    func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw RegistrationError.notFound }
        return id
    }

    func form(_ values: [String: Any], _ request: Request, _ context: PortalRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["scans"] = service.claimDocuments.map { ["kind": $0.kind, "label": $0.label, "type": $0.type.label, "maxKB": $0.maxKB] }
        return pages.renderAnonymous("klaim-nik", values, request, context, status: status)
    }

    func file(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let limit = service.claimDocuments.reduce(64 * 1024) { $0 + $1.maxBytes + 4096 }
        let form = try await FormFields.read(request, context: context, limit: limit)
        try PageHelpers.checkFormToken(request, form, pages.formTokens)
        let identity = SignUp(
            nik: form["nik"],
            kk: form["kk"],
            name: form["name"],
            birthPlace: form["birthPlace"],
            birthDate: form["birthDate"],
            sex: form["sex"],
            email: form["email"],
            phone: form["phone"],
            password: ""
        )
        do {
            _ = try await service.fileClaim(identity: identity, statement: form["statement"], scans: form.files, address: context.clientAddress)
            return PageHelpers.redirect("/klaim-nik?diajukan=1")
        } catch let error as RegistrationError {
            var values: [String: Any] = form.values
            values["sexL"] = form["sex"] == "L"
            values["sexP"] = form["sex"] == "P"
            // A browser never refills a file input: say so, rather than let the scans vanish unnoticed.
            values["rechoose"] = !form.files.isEmpty
            return self.form(values.merging(PageHelpers.error(error)) { _, b in b }, request, context, status: PageHelpers.status(error))
        }
    }

    func detail(_ context: PortalRequestContext, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let (claim, held, application) = try await service.openClaim(staff: try context.staff(), id: try id(context))
        var values: [String: Any] = [
            "id": claim.id, "nik": claim.nik, "status": claim.status.indonesian, "pending": claim.status == .pending,
            "claimant": [
                "name": claim.name, "kk": claim.kk, "birthDate": IndonesianDate.day(claim.birthDate), "email": claim.email, "phone": claim.phone,
                "statement": claim.statement, "filedAt": IndonesianDate.dateTime(claim.filedAt),
            ] as [String: Any],
            "documents": claim.documents.map { document in
                [
                    "kind": document.kind, "label": service.claimDocuments.label(of: document.kind),
                    "sizeKB": (document.size + 1023) / 1024,
                ] as [String: Any]
            },
            "held": [
                "id": held.id, "name": held.name, "kk": held.kk, "birth": "\(held.birthPlace), \(IndonesianDate.day(held.birthDate))", "email": held.email,
                "phone": held.phone,
                "createdAt": IndonesianDate.dateTime(held.createdAt), "frozen": held.frozenAt.map(IndonesianDate.dateTime) ?? "",
            ] as [String: Any],
        ]
        if let application {
            values["application"] =
                [
                    "id": application.id, "formation": application.formation.position,
                    "status": application.status == .submitted ? "pendaftaran diakhiri" : "draf",
                    "hasKTP": application.documents.contains { $0.kind == "ktp" } && application.status == .submitted,
                ] as [String: Any]
        }
        if let decidedAt = claim.decidedAt {
            values["decision"] = ["by": claim.decidedBy ?? "", "at": IndonesianDate.dateTime(decidedAt), "note": claim.decisionNote ?? ""]
        }
        return pages.render("staf-klaim", values.merging(extra) { _, b in b }, context: context, status: status)
    }
}
