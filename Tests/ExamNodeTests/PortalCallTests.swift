import Crypto
import ExamEngine
import Foundation
import HTTPTypes
import SeleksiCore
import Synchronization
import Testing

@testable import ExamNode

/// The portal calling the node (for a venue the centre can reach): every call carries a
/// request signed by the portal for this node, recent, answered once (a push's names its
/// package); results leave out what the portal already holds.
@Suite("Portal calls: roster pushed to the node, results pulled from it")
struct PortalCallTests {
    /// A node whose proctor is set to the venue of the packages (nobody uploads them to be assigned).
    static func node() async throws -> (TestNode, SigningKey) {
        let (node, portal) = try await RosterImportTests.node()
        node.proctorSecret = try await node.service.setProctor(username: "pengawas", password: TestNode.password, venue: "Aula")
        return (node, portal)
    }

    static let pushes = Atomic<Int64>(0)

    /// A push: the package and the header with a request signed by `key` for this node, naming `digestOf` (the package by default).
    static func push(
        _ client: Client,
        _ package: String,
        node: TestNode,
        key: SigningKey,
        digestOf: String? = nil,
        purpose: String = "roster",
        request: Data? = nil
    ) async throws -> (Int, Data) {
        let signed =
            request
            ?? PortalRequest(
                nodeKeyID: node.node.signingKey.publicKey.id,
                purpose: purpose,
                // A new request each time (the node answers one once): a millisecond apart.
                at: node.clock.nowMilliseconds() + pushes.add(1, ordering: .relaxed).newValue,
                package: Hex.encode(SHA256.hash(data: Data((digestOf ?? package).utf8)))
            ).sealed(with: key)
        return try await client.send(.post, "/api/link/roster", raw: package, headers: [HTTPField.Name(PortalRequest.header)!: signed.base64EncodedString()])
    }

    @Test("a pushed roster loads as an upload would (audited as the portal's), only with the portal's request for it; anything else is refused before loading")
    func push() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let roster = RosterImportTests.sealed(
                RosterImportTests.package(version: 1, [("kpg-1", [RosterImportTests.participant("2600000001", "ANJX-4242")])], start: start, for: node),
                portal
            )
            let (status, data) = try await Self.push(client, roster, node: node, key: portal)
            #expect(status == 200)
            #expect(try JSONDecoder().decode(RosterImportResult.self, from: data).created == ["kpg-1"])
            let (_, again) = try await Self.push(client, roster, node: node, key: portal)
            #expect(try JSONDecoder().decode(RosterImportResult.self, from: again).unchanged == ["kpg-1"])
            #expect(try await node.service.audit(session: nil).contains { $0.actor == "portal" && $0.action == "roster-import" })

            let stranger = try SigningKey.loadOrCreate(path: node.folder + "/stranger.key")
            let other = RosterImportTests.sealed(
                RosterImportTests.package(version: 2, [("kpg-2", [RosterImportTests.participant("2600000002", "BUDX-5353")])], start: start, for: node),
                portal
            )
            var foreignNode = RosterImportTests.package(version: 2, [("kpg-3", [])], start: start, for: node)
            foreignNode = RosterPackage(
                periodID: foreignNode.periodID,
                nodeID: "node-lain",
                nodeKeyID: stranger.publicKey.id,
                version: 2,
                createdAt: start,
                sessions: foreignNode.sessions
            )
            let replayed = PortalRequest(
                nodeKeyID: node.node.signingKey.publicKey.id,
                purpose: "roster",
                at: start,
                package: Hex.encode(SHA256.hash(data: Data(other.utf8)))
            ).sealed(with: portal)
            _ = try await Self.push(client, other, node: node, key: portal, request: replayed)
            let refusals: [((Int, Data), Int, String)] = [
                // No request, or one that is not the portal's, not for this, or for another package.
                (try await client.send(.post, "/api/link/roster", raw: other), 401, "invalid-request"),
                (try await Self.push(client, other, node: node, key: stranger), 403, "invalid-request"),
                (try await Self.push(client, other, node: node, key: portal, purpose: "results"), 403, "wrong-node"),
                (try await Self.push(client, other, node: node, key: portal, digestOf: roster), 422, "invalid-request"),
                // The same request again (captured on the way).
                (try await Self.push(client, other, node: node, key: portal, request: replayed), 409, "request-replayed"),
                // With the portal's request, a package the node refuses: another node's, or signed by someone else.
                (try await Self.push(client, RosterImportTests.sealed(foreignNode, portal), node: node, key: portal), 409, "wrong-node"),
                (try await Self.push(client, RosterImportTests.sealed(foreignNode, stranger), node: node, key: portal), 422, "invalid-package"),
                (try await Self.push(client, "{\"kind\":", node: node, key: portal), 422, "invalid-package"),
            ]
            for (answer, status, code) in refusals {
                let failure = client.failure(answer.0, answer.1)
                #expect(failure.status == status && failure.code == code, "\(failure)")
            }
            #expect(try await node.service.sessions(visibleTo: "pengawas").map(\.id).sorted() == ["kpg-1", "kpg-2"])
            // The audit log's name for the portal is never a proctor's.
            await #expect(throws: ExamNodeError.self) { try await node.service.setProctor(username: "portal", password: "kata-sandi-panjang") }
        }
    }

    @Test("results go to the portal's signed request for this node: every closed session's package as signed, less those the portal holds")
    func pull() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        let nodeKey = node.node.signingKey.publicKey
        try await node.test { client in
            let proctor = try await client.proctorToken()
            let sessions = [
                ("kpg-1", [RosterImportTests.participant("2600000001", "ANJX-4242")]), ("kpg-2", [RosterImportTests.participant("2600000002", "BUDX-5353")]),
            ]
            let roster = RosterImportTests.package(version: 1, sessions, start: start, for: node)
            #expect(try await Self.push(client, RosterImportTests.sealed(roster, portal), node: node, key: portal).0 == 200)
            func ask(_ request: PortalRequest, key: SigningKey = portal) async throws -> (Int, Data) {
                try await client.send(.post, "/api/link/results", raw: String(decoding: request.sealed(with: key), as: UTF8.self))
            }
            // Nothing closed yet: nothing to send.
            let (status, none) = try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start - 1))
            #expect(status == 200)
            #expect(try JSONDecoder().decode(PulledResults.self, from: none).packages.isEmpty)
            for id in ["kpg-1", "kpg-2"] {
                #expect(try await client.send(.post, "/api/proctor/sessions/\(id)/open", token: proctor).0 == 200)
                #expect(try await client.send(.post, "/api/proctor/sessions/\(id)/close", token: proctor).0 == 200)
            }
            let (_, data) = try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start))
            let pulled = try JSONDecoder().decode(PulledResults.self, from: data)
            #expect(pulled.packages == [try await node.service.resultsPackage(session: "kpg-1"), try await node.service.resultsPackage(session: "kpg-2")])
            let opened = try pulled.packages.map {
                try JSONDecoder().decode(
                    ResultsPackage.self,
                    from: try SignedEnvelope.decode($0, maximumBytes: 1 << 24).open(kind: ResultsPackage.kind, trusted: [nodeKey])
                )
            }
            #expect(opened.map(\.sessionID) == ["kpg-1", "kpg-2"])
            // What the portal holds is left out.
            let (_, rest) = try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start + 2, have: ["kpg-1"]))
            #expect(try JSONDecoder().decode(PulledResults.self, from: rest).packages == [pulled.packages[1]])
            #expect(try await node.service.audit(session: nil).contains { $0.actor == "portal" && $0.action == "results-pulled" })
            // A request is answered once.
            let once = PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start + 1).sealed(with: portal)
            #expect(try await client.send(.post, "/api/link/results", raw: String(decoding: once, as: UTF8.self)).0 == 200)
            let replay = try await client.refusal(.post, "/api/link/results", raw: String(decoding: once, as: UTF8.self))
            #expect(replay.status == 409 && replay.code == "request-replayed", "\(replay)")
            // Written another way (a space, keys reordered), it is still the same request.
            let respaced = try await client.refusal(.post, "/api/link/results", raw: " " + String(decoding: once, as: UTF8.self))
            #expect(respaced.status == 409 && respaced.code == "request-replayed", "\(respaced)")
            // A restarted node still knows it (the answered requests are in its store).
            let restarted = try TestNode.reopened(node)
            await #expect { _ = try await restarted.resultsForPortal(once) } throws: { ($0 as? ExamNodeError)?.code == "request-replayed" }

            // Refused, and nothing of the results shown: not the portal's key, another node's
            // request, another purpose, too old or from the future, not a request at all.
            let stranger = try SigningKey.loadOrCreate(path: node.folder + "/stranger.key")
            let refusals: [((Int, Data), Int, String)] = [
                (try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start), key: stranger), 403, "invalid-request"),
                (try await ask(PortalRequest(nodeKeyID: stranger.publicKey.id, purpose: "results", at: start)), 403, "wrong-node"),
                (try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "roster", at: start)), 403, "wrong-node"),
                (try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start - 6 * 60_000)), 422, "stale-request"),
                (try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start + 6 * 60_000)), 422, "stale-request"),
                (try await client.send(.post, "/api/link/results", raw: RosterImportTests.sealed(roster, portal)), 422, "invalid-request"),
                (try await client.send(.post, "/api/link/results", raw: "bukan json"), 422, "invalid-request"),
                (try await client.send(.post, "/api/link/results", raw: String(repeating: "x", count: 70_000)), 413, "body-too-large"),
            ]
            for (answer, status, code) in refusals {
                let failure = client.failure(answer.0, answer.1)
                #expect(failure.status == status && failure.code == code, "\(failure)")
                #expect(String(decoding: answer.1, as: UTF8.self).range(of: "packages") == nil)
            }
        }
    }

    @Test("a node configured without the portal's key answers no call")
    func noPortalKey() async throws {
        let (node, portal) = try await RosterImportTests.node(trust: false)
        try await node.test { client in
            let request = PortalRequest(nodeKeyID: node.node.signingKey.publicKey.id, purpose: "results", at: node.clock.nowMilliseconds())
            let refused = try await client.refusal(.post, "/api/link/results", raw: String(decoding: request.sealed(with: portal), as: UTF8.self))
            #expect(refused.status == 409 && refused.code == "no-portal-key", "\(refused)")
        }
    }
}
