public import Foundation
public import SeleksiCore

/// The portal fetching results (`seleksi handoff pull`): a node reachable from the centre
/// answers a `PortalRequest` signed by the portal it is configured with, made for this node
/// and within a few minutes of its clock, with every closed session's results package the
/// portal does not hold yet, each as the node signed it. Anything else is refused and
/// nothing of the results is shown.
extension ExamService {
    public func resultsForPortal(_ data: Data) async throws -> PulledResults {
        guard let portalKey = settings.portalPublicKey else {
            throw ExamNodeError(
                "no-portal-key",
                kind: .conflict,
                "Node ini belum dikonfigurasi dengan kunci publik portal (portal_public_key); permintaan portal tidak dapat diperiksa."
            )
        }
        let request: PortalRequest
        do {
            let envelope = try SignedEnvelope.decode(data, maximumBytes: 64 * 1024)
            request = try JSONDecoder().decode(PortalRequest.self, from: try envelope.open(kind: PortalRequest.kind, trusted: [portalKey]))
        } catch let error as EnvelopeError {
            let kind: ErrorKind =
                switch error {
                case .tooLarge: .tooLarge
                case .unknownSigner, .badSignature: .forbidden
                default: .invalid
                }
            throw ExamNodeError("invalid-request", kind: kind, "Permintaan portal ditolak: \(error).")
        } catch {
            throw ExamNodeError("invalid-request", kind: .invalid, "Permintaan portal ditolak: isinya bukan permintaan yang dikenal node ini.")
        }
        guard request.nodeKeyID == settings.ownKeyID, request.purpose == "results" else {
            throw ExamNodeError(
                "wrong-node",
                kind: .forbidden,
                "Permintaan portal ini bukan permintaan hasil untuk node ini (kunci \(settings.ownKeyID ?? "-"))."
            )
        }
        let now = clock.nowMilliseconds()
        guard abs(request.at - now) <= NodeRequest.maximumSkewMilliseconds else {
            throw ExamNodeError("stale-request", kind: .invalid, "Permintaan portal terlalu jauh dari jam node; periksa jam portal dan node.")
        }
        let have = Set(request.have)
        // A session closed before its package could be made (the node stopped) gets it now, if it can.
        for id in try await store.read({ tx in try tx.closedSessionsWithoutResults() }) { _ = try? await resultsPackage(session: id) }
        let packages = try await store.read { tx in try tx.allResults() }.filter { !have.contains($0.session) }
        try await store.write { tx in
            try Self.audit(
                tx,
                now,
                actor: "portal",
                "results-pulled",
                details: packages.isEmpty ? "tidak ada paket baru" : packages.map(\.session).joined(separator: ", ")
            )
        }
        return PulledResults(packages: packages.map(\.envelope))
    }
}
