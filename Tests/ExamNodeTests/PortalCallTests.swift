import ExamEngine
import Foundation
import HTTPTypes
import SeleksiCore
import Testing

@testable import ExamNode

/// The portal calling the node (for a venue the centre can reach): a roster package is
/// its own credential (the portal's signature), and results go only to a request signed
/// by the portal for this node, recent, and leave out what the portal already holds.
@Suite("Portal calls: roster pushed to the node, results pulled from it")
struct PortalCallTests {
    /// A node whose proctor is set to the venue of the packages (nobody uploads them to be assigned).
    static func node() async throws -> (TestNode, SigningKey) {
        let (node, portal) = try await RosterImportTests.node()
        node.proctorSecret = try await node.service.setProctor(username: "pengawas", password: TestNode.password, venue: "Aula")
        return (node, portal)
    }

    @Test("a pushed roster loads as an upload would (audited as the portal's); a forged or changed one is refused")
    func push() async throws {
        let (node, portal) = try await Self.node()
        let start = node.clock.nowMilliseconds()
        try await node.test { client in
            let roster = RosterImportTests.package(version: 1, [("kpg-1", [RosterImportTests.participant("2600000001", "ANJX-4242")])], start: start, for: node)
            let imported: RosterImportResult = try await client.json(.post, "/api/link/roster", raw: RosterImportTests.sealed(roster, portal))
            #expect(imported.created == ["kpg-1"])
            let again: RosterImportResult = try await client.json(.post, "/api/link/roster", raw: RosterImportTests.sealed(roster, portal))
            #expect(again.unchanged == ["kpg-1"] && again.created.isEmpty)
            #expect(try await node.service.audit(session: nil).contains { $0.actor == "portal" && $0.action == "roster-import" })
            // Signed by someone else, or one byte changed after signing: refused, nothing loaded.
            let stranger = try SigningKey.loadOrCreate(path: node.folder + "/stranger.key")
            let other = RosterImportTests.package(version: 2, [("kpg-2", [RosterImportTests.participant("2600000002", "BUDX-5353")])], start: start, for: node)
            let foreign = try await client.refusal(.post, "/api/link/roster", raw: RosterImportTests.sealed(other, stranger))
            #expect(foreign.status == 422 && foreign.code == "invalid-package", "\(foreign)")
            let tampered = RosterImportTests.sealed(other, portal).replacingOccurrences(of: "\"signature\":\"", with: "\"signature\":\"AAAA")
            #expect(try await client.refusal(.post, "/api/link/roster", raw: tampered).code == "invalid-package")
            #expect(try await client.refusal(.post, "/api/link/roster", raw: "{\"kind\":").code == "invalid-package")
            #expect(try await node.service.sessions(visibleTo: "pengawas").map(\.id) == ["kpg-1"])
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
            let _: RosterImportResult = try await client.json(.post, "/api/link/roster", raw: RosterImportTests.sealed(roster, portal))
            func ask(_ request: PortalRequest, key: SigningKey = portal) async throws -> (Int, Data) {
                try await client.send(.post, "/api/link/results", raw: String(decoding: request.sealed(with: key), as: UTF8.self))
            }
            // Nothing closed yet: nothing to send.
            let (status, none) = try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start))
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
            let (_, rest) = try await ask(PortalRequest(nodeKeyID: nodeKey.id, purpose: "results", at: start, have: ["kpg-1"]))
            #expect(try JSONDecoder().decode(PulledResults.self, from: rest).packages == [pulled.packages[1]])
            #expect(try await node.service.audit(session: nil).contains { $0.actor == "portal" && $0.action == "results-pulled" })

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
                #expect(String(decoding: answer.1, as: UTF8.self).range(of: "payload") == nil)
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
