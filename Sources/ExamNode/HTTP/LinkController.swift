import Foundation
public import Hummingbird
import SeleksiCore

extension PulledResults: ResponseEncodable {}

/// The portal calling the node (`seleksi handoff push` and `pull`), for a node the centre
/// can reach. No login: a roster package carries the portal's signature, and a results
/// request is a `PortalRequest` signed by the portal's key for this node.
struct LinkController {
    let service: ExamService

    func addRoutes(to group: RouterGroup<ExamRequestContext>) {
        group.post("roster") { request, _ -> RosterImportResult in
            let buffer = try await request.body.collect(upTo: service.settings.maxPackageBytes + 1)
            return try await service.importRosterPackage(Data(buffer.readableBytesView), actor: "portal")
        }
        group.post("results") { request, _ -> PulledResults in
            let buffer = try await request.body.collect(upTo: 64 * 1024 + 1)
            return try await service.resultsForPortal(Data(buffer.readableBytesView))
        }
    }
}
