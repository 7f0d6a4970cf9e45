import Foundation
import HTTPTypes
public import Hummingbird
import SeleksiCore

extension PulledResults: ResponseEncodable {}

/// The portal calling the node (`seleksi handoff push` and `pull`), for a node the centre
/// can reach. No login: each call carries a `PortalRequest` signed by the portal's key for
/// this node (for a push, in a header, naming the package's digest).
struct LinkController {
    let service: ExamService

    func addRoutes(to group: RouterGroup<ExamRequestContext>) {
        // The request (in its header) is checked before the package is read.
        group.post("roster") { request, _ -> RosterImportResult in
            guard let header = request.headers[HTTPField.Name(PortalRequest.header)!], let signed = Data(base64Encoded: header) else {
                throw ExamNodeError(
                    "invalid-request",
                    kind: .unauthenticated,
                    "Paket daftar peserta dari portal harus disertai permintaan portal bertanda tangan (\(PortalRequest.header))."
                )
            }
            let asked = try await service.portalRequest(signed, purpose: "roster")
            let buffer = try await request.body.collect(upTo: service.settings.maxPackageBytes + 1)
            return try await service.rosterFromPortal(asked, package: Data(buffer.readableBytesView))
        }
        group.post("results") { request, _ -> PulledResults in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            return try await service.resultsForPortal(Data(buffer.readableBytesView))
        }
    }
}
