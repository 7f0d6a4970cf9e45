import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// The portal's half of the handoff: the access code on the card, and the node's signed roster.
@Suite("Roster packages: signed, versioned, nothing personal")
struct RosterPackageTests {
    /// Ani applies for KEU-1 (Jakarta), is found MS and gets a seat; the Jakarta node is registered.
    static func seated(_ client: PortalClient, _ portal: TestPortal, nodeKey: String? = nil) async throws -> (ani: String, admin: String, application: Int64) {
        let ani = try await client.applicant()
        let application = try await client.submittedApplication(ani)
        let keu = try await client.staff("verif-keu")
        #expect(try await client.send(.post, "/api/verifier/applications/\(application)/decision", token: keu, json: ["result": "MS"]).status == 200)
        try await portal.closeRegistration()
        let admin = try await client.staff("admin")
        #expect(try await client.send(.post, "/api/admin/announce-results", token: admin).status == 200)
        #expect(try await client.send(.post, "/api/admin/assign-seats", token: admin)["assigned"] as? Int == 1)
        let key = try nodeKey ?? NodeRegistryTests.key()
        let node: [String: Any] = ["id": "node-jkt", "venues": ["Kanreg V Jakarta"], "url": "https://ujian-jkt.example.go.id", "publicKey": key]
        #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: node).status == 201)
        return (ani, admin, application)
    }

    @Test("the card's access code is stable and its digest is in the signed roster, with no NIK, birth date or email; unchanged means the same version")
    func package() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (ani, admin, application) = try await Self.seated(client, portal)
            let card = try await client.send(.get, "/api/application/exam-card", token: ani)
            let code = try #require(card["accessCode"] as? String)
            #expect(code.wholeMatch(of: /[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/) != nil, "\(code)")
            #expect(try await client.send(.get, "/api/application/exam-card", token: ani)["accessCode"] as? String == code)
            let staff = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)

            let stored = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
            #expect(stored.version == 1)
            let envelope = try SignedEnvelope.decode(stored.envelope, maximumBytes: 1 << 24)
            let payload = try envelope.open(kind: RosterPackage.kind, trusted: [try portal.service.settings.signingKey().publicKey])
            let package = try JSONDecoder().decode(RosterPackage.self, from: payload)
            #expect(package.nodeID == "node-jkt" && package.periodID == "casn-test" && package.version == 1)
            #expect(package.sessions.map(\.id) == ["jkt-1", "jkt-2"])
            let session = package.sessions[0]
            #expect(session.ruleSetID == "skd-2024" && session.scheduledEnd - session.scheduledStart == 100 * 60_000 && session.timeZone == .wib)
            let number = try #require(card["participantNumber"] as? String)
            #expect(
                session.participants == [
                    RosterPackage.Participant(
                        participantNumber: number,
                        name: "Ani Lestari",
                        formationType: .general,
                        accommodations: [],
                        accessCodeDigest: AccessCode.digest(code)
                    )
                ]
            )
            // What the node must never hold.
            let text = String(decoding: stored.envelope, as: UTF8.self) + String(decoding: payload, as: UTF8.self)
            for secret in [PortalClient.nik, "3201010101100001", "1999-01-01", "ani@contoh.id", code, AccessCode.normalized(code)] {
                #expect(!text.contains(secret), "\(secret) is in the package")
            }
            // Nothing changed: the same version, the same bytes.
            let again = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
            #expect(again.version == 1 && again.envelope == stored.envelope)
            // Ani moved to the other session: a new version.
            #expect(try await client.send(.post, "/api/admin/applications/\(application)/seat", token: admin, json: ["slotID": "jkt-2"]).status == 200)
            let moved = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
            #expect(moved.version == 2)
            let second = try JSONDecoder().decode(
                RosterPackage.self,
                from: try SignedEnvelope.decode(moved.envelope, maximumBytes: 1 << 24).open(
                    kind: "roster",
                    trusted: [try portal.service.settings.signingKey().publicKey]
                )
            )
            #expect(second.sessions[0].participants.isEmpty && second.sessions[1].participants.map(\.participantNumber) == [number])
            #expect(try await portal.service.store.audit(AuditFilter(action: "roster.export", limit: 10)).count == 2)
        }
    }

    @Test("an unknown node, and anyone but an admin, are refused")
    func refusals() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await Self.seated(client, portal)
            let admin = try #require(try await portal.service.store.staffCredentials(username: "admin")?.staff)
            let verifier = try #require(try await portal.service.store.staffCredentials(username: "verif-keu")?.staff)
            await #expect(throws: RegistrationError.self) { _ = try await portal.service.rosterPackage(staff: admin, nodeID: "node-lain") }
            await #expect(throws: RegistrationError.forbidden) { _ = try await portal.service.rosterPackage(staff: verifier, nodeID: "node-jkt") }
        }
    }
}
