import ExamNode
import Foundation
import Portal
import Registration
import SeleksiCore

/// The portal calling a registered node at its HTTPS address, for a node the centre can
/// reach (`seleksi handoff push` and `pull`); the node calling the portal
/// (`seleksi exam-node sync`) is the usual way, since venues are often behind NAT. Each
/// call, and what came of it, goes to the portal's audit log.
struct NodeDialer {
    let portal: RegistrationService
    let client: HTTPSLinkClient

    /// What a pull brought: sessions imported now, sessions the portal already had, and
    /// packages it refused (session or position → reason).
    struct Pulled: Sendable, Hashable {
        var imported: [String] = []
        var unchanged: [String] = []
        var refused: [String: String] = [:]
    }

    /// Sends the node its current roster package; what the node did with it.
    func push(nodeID: String) async throws -> (version: Int, result: RosterImportResult) {
        let node = try await portal.registeredNode(nodeID)
        let package = try await portal.rosterPackage(staff: nil, nodeID: nodeID)
        do {
            let answer = try await client.post(Self.url(node, "/api/link/roster"), package.envelope)
            let result = try JSONDecoder().decode(RosterImportResult.self, from: answer)
            var outcome = "versi \(package.version): baru \(result.created.count), diganti \(result.replaced.count), tetap \(result.unchanged.count)"
            for (session, refusal) in result.refused.sorted(by: { $0.key < $1.key }) { outcome += "; sesi \(session) ditolak node: \(refusal.code)" }
            try await portal.recordNodeCall(staff: nil, "roster.push", nodeID: nodeID, outcome)
            return (package.version, result)
        } catch let refusal as LinkRefusal {
            try await portal.recordNodeCall(staff: nil, "roster.push", nodeID: nodeID, "versi \(package.version) ditolak node: \(refusal.code)")
            throw refusal
        }
    }

    /// Asks the node for the results packages the portal does not hold, and imports each
    /// as if the node had sent it (the same checks: its key, its sessions, unchanged bytes).
    func pull(nodeID: String) async throws -> Pulled {
        let (node, request) = try await portal.resultsRequest(nodeID: nodeID)
        let answer: PulledResults
        do {
            answer = try JSONDecoder().decode(PulledResults.self, from: try await client.post(Self.url(node, "/api/link/results"), request))
        } catch let refusal as LinkRefusal {
            try await portal.recordNodeCall(staff: nil, "results.pull", nodeID: nodeID, "ditolak node: \(refusal.code)")
            throw refusal
        }
        var pulled = Pulled()
        for (index, package) in answer.packages.enumerated() {
            do {
                let imported = try await portal.importResults(package, staff: nil)
                if imported.unchanged { pulled.unchanged.append(imported.sessionID) } else { pulled.imported.append(imported.sessionID) }
            } catch let error as RegistrationError {
                pulled.refused["paket \(index + 1)"] = error.message
            }
        }
        try await portal.recordNodeCall(
            staff: nil,
            "results.pull",
            nodeID: nodeID,
            "\(answer.packages.count) paket: diterima \(pulled.imported.count), sudah ada \(pulled.unchanged.count), ditolak \(pulled.refused.count)"
        )
        return pulled
    }

    /// The portal's service from the command line's options, and a client trusting `ca`.
    static func open(options: PortalOptions, data: String?, ca: String?) throws -> (NodeDialer, RegistrationService) {
        let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
        return (NodeDialer(portal: service, client: try HTTPSLinkClient(certificateAuthority: ca, setting: "--ca")), service)
    }

    /// A failed call as the operator reads it: the portal's or the node's refusal, or why the node did not answer.
    static func message(_ error: any Error) -> String {
        switch error {
        case let error as RegistrationError: error.message
        case let refusal as LinkRefusal: "Node menolak (HTTP \(refusal.status)): \(refusal.message)"
        default: "Node tidak dapat dihubungi: \(error)"
        }
    }

    static func url(_ node: RegisteredNode, _ path: String) -> String {
        node.url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path
    }
}
