import Crypto
public import Foundation
import SeleksiCore

/// What a node asks of the portal over the network, with its own key as its credential:
/// its roster package; and the one check of everything a node sends (`fromNode`).
extension RegistrationService {
    /// The node's current roster package (a new version if its venues' seats changed),
    /// for a `NodeRequest` of purpose `roster` signed by a node registered this period.
    public func rosterForNode(_ request: Data) async throws -> StoredRosterPackage {
        let period = try await period()
        let (node, asked, _) = try await fromNode(
            request,
            as: NodeRequest.self,
            kind: NodeRequest.kind,
            periodID: period.id,
            maximumBytes: 64 * 1024,
            code: "invalid-request",
            what: "Permintaan node"
        )
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

    /// A node registered this period, by id (`unknown-node` otherwise).
    public func registeredNode(_ id: String) async throws -> RegisteredNode {
        let period = try await period()
        guard let node = try await store.nodes(periodID: period.id).first(where: { $0.id == id }) else {
            throw RegistrationError("unknown-node", kind: .notFound, "Node \(id) belum didaftarkan untuk periode ini.")
        }
        return node
    }

    /// The portal asking a node for its results (`seleksi handoff pull`): a `PortalRequest`
    /// signed with the portal's key for that node's key, naming the sessions whose
    /// packages the portal already holds from it.
    public func resultsRequest(nodeID: String) async throws -> (node: RegisteredNode, request: Data) {
        let node = try await registeredNode(nodeID)
        let have = try await store.resultsSessionIDs(periodID: try await period().id, nodeID: nodeID)
        return (node, try portalRequest(to: node, purpose: "results", have: have))
    }

    /// The request a roster push (`seleksi handoff push`) carries: signed for that node, naming the package's SHA-256.
    public func rosterRequest(node: RegisteredNode, package: Data) throws -> Data {
        try portalRequest(to: node, purpose: "roster", package: Hex.encode(SHA256.hash(data: package)))
    }

    func portalRequest(to node: RegisteredNode, purpose: String, have: [String] = [], package: String? = nil) throws -> Data {
        guard let key = PublicSigningKey(text: node.publicKey) else {
            throw RegistrationError("invalid-node", kind: .conflict, "Kunci publik node \(node.id) yang terdaftar tidak dapat dibaca.")
        }
        return PortalRequest(nodeKeyID: key.id, purpose: purpose, at: now, have: have, package: package).sealed(with: try settings.signingKey())
    }

    /// Records a call the portal made to a node (`roster.push`, `results.pull`) and what came of it.
    public func recordNodeCall(staff: StaffAccount?, _ action: String, nodeID: String, _ outcome: String) async throws {
        try await store.appendAudit(audit(staff, action, "node:\(nodeID)", outcome))
    }

    /// What a node sent, opened: a `SignedEnvelope` of at most `maximumBytes`, of `kind`,
    /// signed by a node registered this period (its key id picks which), decoded as `T`.
    /// The node, the value and the envelope (its payload as signed). Refused as `code`
    /// (unreadable, oversized, not of `kind`, a bad signature or content) or
    /// `unknown-signer`; `what` names the thing in the message.
    func fromNode<T: Decodable>(
        _ data: Data,
        as type: T.Type,
        kind: String,
        periodID: String,
        maximumBytes: Int,
        code: String,
        what: String
    ) async throws -> (node: RegisteredNode, value: T, envelope: SignedEnvelope) {
        let envelope: SignedEnvelope
        do {
            envelope = try SignedEnvelope.decode(data, maximumBytes: maximumBytes)
        } catch {
            throw RegistrationError(code, kind: error == .tooLarge(maximumBytes) ? .tooLarge : .invalid, "\(what) ditolak: \(error).")
        }
        guard let node = try await store.nodes(periodID: periodID).first(where: { PublicSigningKey(text: $0.publicKey)?.id == envelope.keyID }),
            let key = PublicSigningKey(text: node.publicKey)
        else {
            throw RegistrationError(
                "unknown-signer",
                kind: .forbidden,
                "\(what) ditandatangani kunci \(EnvelopeError.shown(envelope.keyID)) yang bukan kunci node terdaftar periode ini."
            )
        }
        do {
            return (node, try JSONDecoder().decode(T.self, from: try envelope.open(kind: kind, trusted: [key])), envelope)
        } catch let error as EnvelopeError {
            throw RegistrationError(code, kind: .invalid, "\(what) ditolak: \(error).")
        } catch {
            throw RegistrationError(code, kind: .invalid, "\(what) ditolak: isinya bukan yang dikenal portal.")
        }
    }
}
