import Foundation
import Hummingbird
import Registration
import SeleksiCore

/// The observer's pages (inspectorate, ombudsman, partner agencies): every session's
/// progress, each node's audit log as it came in, and a published score checked against
/// the signed results package behind it. Only reading: there is no form that changes anything.
struct ObserverPages {
    let service: RegistrationService
    let pages: PageRenderer

    func register(on router: Router<PortalRequestContext>) {
        router.get("/staf/pengamat") { request, context in
            let staff = try context.staff()
            let progress = try await service.examProgress(staff: staff).map { item -> [String: Any] in
                [
                    "id": item.sessionID, "venue": item.venue, "location": item.location,
                    "start": IndonesianDate.dateTime(item.startsAt, in: item.timeZone), "seated": item.seated, "node": item.nodeID ?? "belum ada node",
                    "reported": item.results != nil, "finished": item.results?.finished ?? 0, "absent": item.results?.absent ?? 0,
                    "disqualified": item.results?.disqualified ?? 0, "digest": item.results?.digest ?? "",
                ]
            }
            var values: [String: Any] = ["sessions": progress]
            let number = String(request.formQuery["nomor"] ?? "").trimmingCharacters(in: .whitespaces)
            var status = HTTPResponse.Status.ok
            if !number.isEmpty {
                values["number"] = number
                do {
                    let check = try await service.verifyScore(staff: staff, participantNumber: number)
                    values["check"] = [
                        "number": check.participantNumber, "version": check.announcementVersion, "digest": check.announcementDigest,
                        "total": check.publishedTotal.map(String.init) ?? "–", "code": check.publishedCode, "session": check.sessionID ?? "–",
                        "node": check.nodeID ?? "–", "key": check.keyID ?? "–", "package": check.packageDigest ?? "–",
                        "signature": check.signatureValid, "matches": check.matches, "problems": check.problems,
                    ]
                } catch let error as RegistrationError where error.code != "forbidden" {
                    values.merge(PageHelpers.error(error)) { _, b in b }
                    status = PageHelpers.status(error)
                }
            }
            return pages.render("staf-pengamat", values, context: context, status: status)
        }
        router.get("/staf/pengamat/sesi/:id") { _, context in
            let staff = try context.staff()
            let id = try context.parameters.require("id")
            let (zone, audit) = try await service.nodeAudit(staff: staff, sessionID: id)
            let lines = audit.map { line -> [String: Any] in
                [
                    "at": IndonesianDate.timestamp(line.at, in: zone), "actor": line.actor, "action": StaffLabels.nodeAction(line.action),
                    "participant": line.participantNumber ?? "", "details": line.details,
                ]
            }
            return pages.render("staf-pengamat-sesi", ["session": id, "zone": zone.rawValue, "lines": lines], context: context)
        }
    }
}
