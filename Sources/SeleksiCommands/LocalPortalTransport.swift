import ExamNode
import Foundation
import Registration
import SeleksiCore
import SeleksiHTTP

/// `seleksi serve`'s link between its node and its portal: the same packages as between
/// machines (signed roster in, signed results and live scores out), handed over in the
/// process. The node is registered at the portal as `node-lokal` for every venue of the
/// period's exam slots (again whenever that list changes).
struct LocalPortalTransport: PortalTransport {
    static let nodeID = "node-lokal"
    let portal: RegistrationService
    let nodeKey: PublicSigningKey
    let nodeURL: String

    func roster(_ request: Data) async throws -> Data {
        try await refusing {
            try await register()
            return try await portal.rosterForNode(request).envelope
        }
    }

    func results(_ envelope: Data) async throws { _ = try await refusing { try await portal.importResults(envelope, .fromNode) } }
    func scores(_ envelope: Data) async throws { _ = try await refusing { try await portal.importLiveScores(envelope) } }
    func shutdown() async {}

    /// Registers (or updates) this machine's node for the venues of the period's slots.
    func register() async throws {
        let period = try await portal.period()
        let venues = Array(Set(try await portal.slots().map(\.venue))).sorted()
        let registered = try await portal.store.nodes(periodID: period.id).first { $0.id == Self.nodeID }
        guard !venues.isEmpty, registered?.venues.sorted() != venues || registered?.publicKey != nodeKey.text else { return }
        _ = try await portal.registerNode(staff: nil, RegisteredNode(id: Self.nodeID, venues: venues, url: nodeURL, publicKey: nodeKey.text))
    }

    /// A refusal by the portal as the link understands it (its HTTP status).
    func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RegistrationError {
            throw LinkRefusal(status: error.status, code: error.code, message: error.message)
        }
    }
}
