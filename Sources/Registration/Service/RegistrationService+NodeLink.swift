public import Foundation
import SeleksiCore

/// What a node asks of the portal over the network, with its own key as its credential:
/// its roster package (its results it sends as their own signed package, `importResults`).
extension RegistrationService {
    /// The node's current roster package (a new version if its venues' seats changed),
    /// for a `NodeRequest` of purpose `roster` signed by a node registered this period.
    public func rosterForNode(_ request: Data) async throws -> StoredRosterPackage {
        let period = try await period()
        let envelope: SignedEnvelope
        do {
            envelope = try SignedEnvelope.decode(request, maximumBytes: 64 * 1024)
        } catch {
            throw RegistrationError("invalid-request", kind: .invalid, "Permintaan node ditolak: \(error).")
        }
        let nodes = try await store.nodes(periodID: period.id)
        guard let node = nodes.first(where: { PublicSigningKey(text: $0.publicKey)?.id == envelope.keyID }),
            let key = PublicSigningKey(text: node.publicKey)
        else {
            throw RegistrationError(
                "unknown-signer",
                kind: .forbidden,
                "Permintaan ditandatangani kunci \(EnvelopeError.shown(envelope.keyID)) yang bukan kunci node terdaftar periode ini."
            )
        }
        let asked: NodeRequest
        do {
            asked = try JSONDecoder().decode(NodeRequest.self, from: try envelope.open(kind: NodeRequest.kind, trusted: [key]))
        } catch {
            throw RegistrationError("invalid-request", kind: .invalid, "Permintaan node ditolak: tanda tangan atau isinya tidak sah.")
        }
        guard asked.nodeID == node.id, asked.purpose == "roster" else {
            throw RegistrationError("invalid-request", kind: .invalid, "Permintaan node ditolak: bukan permintaan daftar peserta node \(node.id).")
        }
        let now = self.now
        guard asked.at >= now - NodeRequest.maximumSkewMilliseconds, asked.at <= now + NodeRequest.maximumSkewMilliseconds else {
            throw RegistrationError(
                "stale-request",
                kind: .invalid,
                "Permintaan node bertanggal \(IndonesianDate.dateTime(asked.at)), terlalu jauh dari jam portal; periksa jam node."
            )
        }
        return try await rosterPackage(staff: nil, nodeID: node.id)
    }
}
