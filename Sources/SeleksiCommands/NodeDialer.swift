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

    /// Sends the node its current roster package, with a request signed for it; what the
    /// node did with it. A large roster loads slowly while a session runs: the call waits
    /// up to 15 minutes.
    func push(nodeID: String) async throws -> (version: Int, result: RosterImportResult) {
        let node = try await portal.registeredNode(nodeID)
        let package = try await portal.rosterPackage(staff: nil, nodeID: nodeID)
        let request = try portal.rosterRequest(node: node, package: package.envelope)
        let result = try await audited("roster.push", nodeID: nodeID, "versi \(package.version)") {
            let answer = try await client.post(
                Self.url(node, "/api/link/roster"),
                package.envelope,
                headers: [(PortalRequest.header, request.base64EncodedString())],
                seconds: 15 * 60
            )
            return try JSONDecoder().decode(RosterImportResult.self, from: answer)
        }
        var outcome = "versi \(package.version): baru \(result.created.count), diganti \(result.replaced.count), tetap \(result.unchanged.count)"
        for (session, refusal) in result.refused.sorted(by: { $0.key < $1.key }) { outcome += "; sesi \(session) ditolak node: \(refusal.code)" }
        try await portal.recordNodeCall(staff: nil, "roster.push", nodeID: nodeID, outcome)
        return (package.version, result)
    }

    /// Asks the node for the results packages the portal does not hold, and imports each
    /// as if the node had sent it (the same checks: its key, its sessions, unchanged bytes).
    func pull(nodeID: String) async throws -> Pulled {
        let (node, request) = try await portal.resultsRequest(nodeID: nodeID)
        let answer = try await audited("results.pull", nodeID: nodeID, "permintaan hasil") {
            try JSONDecoder().decode(PulledResults.self, from: try await client.post(Self.url(node, "/api/link/results"), request, seconds: 5 * 60))
        }
        var pulled = Pulled()
        for (index, package) in answer.packages.enumerated() {
            do {
                let imported = try await portal.importResults(package, .pulled)
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

    /// `call`'s value; a failure (a refusal, no answer, an answer that cannot be read) is
    /// audited as `action` with what was asked, then thrown.
    func audited<T>(_ action: String, nodeID: String, _ asked: String, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            let outcome =
                switch error {
                case let refusal as LinkRefusal: "ditolak node: \(refusal.code)"
                case is DecodingError: "jawaban node tidak dapat dibaca"
                default: "node tidak menjawab (hasilnya tidak diketahui)"
                }
            try? await portal.recordNodeCall(staff: nil, action, nodeID: nodeID, "\(asked): \(outcome)")
            throw error
        }
    }

    /// The portal's service from the command line's options, and a client trusting `ca`.
    static func open(options: PortalOptions, data: String?, ca: String?) throws -> NodeDialer {
        let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
        return NodeDialer(portal: service, client: try HTTPSLinkClient(certificateAuthority: ca, setting: "--ca"))
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
