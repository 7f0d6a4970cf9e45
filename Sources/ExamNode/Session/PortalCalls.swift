import Crypto
public import Foundation
public import SeleksiCore

/// The portal calling the node (`seleksi handoff push` and `pull`), for a node the centre
/// can reach: each call carries a `PortalRequest` signed by the portal this node is
/// configured with, made for this node, within a few minutes of the node's clock, and
/// answered once. A roster push names the SHA-256 of the package it comes with; a results
/// request is answered with every closed session's results package the portal does not
/// hold yet, each as the node signed it. Anything else is refused before any work is done.
extension ExamService {
    /// Loads the package a `roster` request (checked by `portalRequest`) came with, as a
    /// proctor's upload would be (audited as the portal's).
    public func rosterFromPortal(_ asked: PortalRequest, package: Data) async throws -> RosterImportResult {
        guard asked.package == Hex.encode(SHA256.hash(data: package)) else {
            throw ExamNodeError("invalid-request", kind: .invalid, "Permintaan portal ditolak: paket yang dikirim bukan paket yang disebut permintaan itu.")
        }
        return try await importRosterPackage(package, actor: Self.portalActor)
    }

    /// The closed sessions' results packages the portal does not hold, for a `results` request.
    public func resultsForPortal(_ data: Data) async throws -> PulledResults {
        let request = try await portalRequest(data, purpose: "results")
        let have = Set(request.have)
        // A session closed before its package could be made (the node stopped) gets it now, if it can.
        for id in try await store.read({ tx in try tx.closedSessionsWithoutResults() }) { _ = try? await resultsPackage(session: id) }
        let packages = try await store.read { tx in try tx.allResults() }.filter { !have.contains($0.session) }
        let now = clock.nowMilliseconds()
        try await store.write { tx in
            try Self.audit(
                tx,
                now,
                actor: Self.portalActor,
                "results-pulled",
                details: packages.isEmpty ? "tidak ada paket baru" : packages.map(\.session).joined(separator: ", ")
            )
        }
        return PulledResults(packages: packages.map(\.envelope))
    }

    /// Who the audit log names for what the portal did; never a proctor's name.
    public static let portalActor = "portal"

    /// The request, if the configured portal signed it for this node and `purpose`, recently, and it was not used before.
    public func portalRequest(_ data: Data, purpose: String) async throws -> PortalRequest {
        guard let portalKey = settings.portalPublicKey else {
            throw ExamNodeError(
                "no-portal-key",
                kind: .conflict,
                "Node ini belum dikonfigurasi dengan kunci publik portal (portal_public_key); permintaan portal tidak dapat diperiksa."
            )
        }
        let request: PortalRequest
        let signed: Data
        do {
            let envelope = try SignedEnvelope.decode(data, maximumBytes: 64 * 1024)
            signed = try envelope.open(kind: PortalRequest.kind, trusted: [portalKey])
            request = try JSONDecoder().decode(PortalRequest.self, from: signed)
        } catch let error as EnvelopeError {
            let kind: ErrorKind =
                switch error {
                case .unknownSigner, .badSignature: .forbidden
                default: .invalid
                }
            throw ExamNodeError("invalid-request", kind: kind, "Permintaan portal ditolak: \(error).")
        } catch {
            throw ExamNodeError("invalid-request", kind: .invalid, "Permintaan portal ditolak: isinya bukan permintaan yang dikenal node ini.")
        }
        guard request.nodeKeyID == settings.ownKeyID, request.purpose == purpose else {
            throw ExamNodeError(
                "wrong-node",
                kind: .forbidden,
                "Permintaan portal ini bukan permintaan \(purpose == "roster" ? "pemuatan daftar peserta" : "hasil") untuk node ini (kunci \(settings.ownKeyID ?? "-"))."
            )
        }
        guard abs(request.at - clock.nowMilliseconds()) <= NodeRequest.maximumSkewMilliseconds else {
            throw ExamNodeError("stale-request", kind: .invalid, "Permintaan portal terlalu jauh dari jam node; periksa jam portal dan node.")
        }
        // Once per signed payload: the same request written another way (spaces, key order) is the same request.
        // Kept in the store past the request's validity, so a restart does not forget it.
        let digest = Hex.encode(SHA256.hash(data: signed))
        let now = clock.nowMilliseconds()
        let expiresAt = max(now, request.at) + NodeRequest.maximumSkewMilliseconds
        guard try await store.write({ tx in try tx.claimPortalRequest(digest: digest, expiresAt: expiresAt, now: now) }) else {
            throw ExamNodeError(
                "request-replayed",
                kind: .conflict,
                "Permintaan portal ini sudah dijawab; portal membuat permintaan baru untuk tiap panggilan."
            )
        }
        return request
    }
}
