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

            // From an hour before a session starts its roster is fixed (the venue may open it): no seat moves in or out.
            let jkt2 = try #require(try await portal.service.slots().first { $0.id == "jkt-2" })
            portal.clock.set(jkt2.startsAt - 59 * 60_000)
            let later = try await client.staff("admin")
            let fixed = try await client.send(.post, "/api/admin/applications/\(application)/seat", token: later, json: ["slotID": "jkt-1"])
            #expect(fixed.status == 409 && fixed.code == "session-roster-fixed", "\(fixed.text)")
            // Nor does the fixed session with Ani in it move in time or place; more room is still fine.
            let slot: [String: Any] = [
                "id": "jkt-2", "periodID": "", "venue": jkt2.venue, "location": jkt2.location, "startsAt": jkt2.startsAt, "timeZone": jkt2.timeZone.rawValue,
                "sessionNumber": jkt2.sessionNumber, "capacity": jkt2.capacity + 10, "assigned": 0,
            ]
            #expect(try await client.send(.post, "/api/admin/slots", token: later, json: slot).status < 300)
            for (field, value) in [("startsAt", jkt2.startsAt + 2 * 3_600_000), ("venue", "Gedung Lain"), ("sessionNumber", 3)] as [(String, Any)] {
                var changed = slot
                changed[field] = value
                let refused = try await client.send(.post, "/api/admin/slots", token: later, json: changed)
                #expect(refused.status == 409 && refused.code == "session-roster-fixed", "\(field): \(refused.text)")
            }
            #expect(try await portal.service.slots().first { $0.id == "jkt-2" }?.startsAt == jkt2.startsAt)
            // A change that reaches the store anyway (here, past the rule) does not reach a fixed session's roster: both go as last sent.
            try await portal.service.store.moveSeat(
                applicationID: application,
                slotID: "jkt-1",
                now: 0,
                freezeMilliseconds: 0,
                audit: AuditEntry(at: 0, actor: "uji", role: "admin", action: "seats.move", subject: "lamaran:\(application)", detail: "jkt-1")
            )
            let frozen = try await portal.service.rosterPackage(staff: staff, nodeID: "node-jkt")
            #expect(frozen.version == 2 && frozen.envelope == moved.envelope)
        }
    }

    @Test(
        "an accommodation on the application (a blind applicant in a disability formation) travels in the roster; one the rule set does not offer for the formation is refused"
    )
    func accommodations() async throws {
        let portal = try await TestPortal()
        try await portal.service.addFormation(
            staff: nil,
            Formation(
                id: "KEU-D1",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Pranata Komputer Ahli Pertama",
                unit: "DJP",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Teknik Informatika"],
                quota: 1,
                type: .disability
            )
        )
        try await portal.test { client in
            let ani = try await client.applicant()
            for (formation, names, why) in [
                ("KEU-1", ["tunanetra"], "only for disability formations"), ("KEU-D1", ["kursi-roda"], "not offered"),
                ("KEU-D1", ["tunanetra", "tunanetra"], "twice"),
            ] {
                var draft = PortalClient.draft(formation: formation)
                draft["disability"] = formation == "KEU-D1"
                draft["accommodations"] = names
                let refused = try await client.send(.post, "/api/application", token: ani, json: draft)
                #expect(refused.status == 422 && refused.code == "invalid-accommodation", "\(why): \(refused.text)")
            }
            var draft = PortalClient.draft(formation: "KEU-D1")
            draft["disability"] = true
            draft["accommodations"] = ["tunanetra"]
            let created = try await client.send(.post, "/api/application", token: ani, json: draft)
            #expect(created.status == 201, "\(created.text)")
            #expect((created["draft"] as? [String: Any])?["accommodations"] as? [String] == ["tunanetra"])
            for (kind, bytes) in [
                ("foto", Files.jpeg()), ("swafoto", Files.jpeg()), ("ktp", Files.jpeg()), ("ijazah", Files.pdf()), ("transkrip", Files.pdf()),
            ] {
                #expect(try await client.send(.put, "/api/application/documents/\(kind)", token: ani, bytes: bytes).status == 200)
            }
            #expect(try await client.send(.post, "/api/application/submit", token: ani).status == 200)
            let application = try #require((created["id"] as? NSNumber)?.int64Value)
            let keu = try await client.staff("verif-keu")
            // The verifier confirms it against the documents: only one asked for, only with MS.
            let decision = "/api/verifier/applications/\(application)/decision"
            for (body, why) in [
                (["result": "MS", "accommodations": ["kursi-roda"]] as [String: Any], "not asked for"),
                (["result": "MS", "accommodations": ["tunanetra", "tunanetra"]], "twice"),
                (["result": "TMS", "reasonCode": "lainnya", "accommodations": ["tunanetra"]], "with TMS"),
            ] {
                let refused = try await client.send(.post, decision, token: keu, json: body)
                #expect(refused.status == 422 && refused.code == "invalid-accommodation", "\(why): \(refused.text)")
            }
            // On the verifier's page: asked for, to be ticked against the documents.
            portal.clock.advance(seconds: 31)
            var verifier = Browser(client: client)
            var page = try await verifier.request(.get, "/staf/masuk")
            let secrets = try #require(portal.staffSecrets["verif-keu"])
            _ = try await verifier.request(
                .post,
                "/staf/masuk",
                form: [("csrf", try Browser.csrf(page)), ("username", "verif-keu"), ("password", secrets.password), ("totp", portal.totp("verif-keu"))]
            )
            page = try await verifier.request(.get, "/staf/verifikasi/\(application)")
            #expect(page.text.contains(#"<input type="checkbox" name="accommodation-tunanetra" value="1"> tunanetra didukung dokumen"#), "\(page.text)")
            let decided = try await verifier.request(
                .post,
                "/staf/verifikasi/\(application)/keputusan",
                form: [("csrf", try Browser.csrf(page)), ("result", "MS"), ("accommodation-tunanetra", "1")]
            )
            #expect(decided.status == 303, "\(decided.text)")
            page = try await verifier.request(.get, "/staf/verifikasi/\(application)")
            #expect(page.text.contains("Kebutuhan khusus dikonfirmasi: tunanetra"))
            let confirmed = try await portal.service.store.application(id: application)?.verification?.accommodations
            #expect(confirmed == ["tunanetra"])
            try await portal.closeRegistration()
            let admin = try await client.staff("admin")
            #expect(try await client.send(.post, "/api/admin/announce-results", token: admin).status == 200)
            #expect(try await client.send(.post, "/api/admin/assign-seats", token: admin)["assigned"] as? Int == 1)
            let node: [String: Any] = [
                "id": "node-jkt", "venues": ["Kanreg V Jakarta"], "url": "https://ujian-jkt.example.go.id", "publicKey": try NodeRegistryTests.key(),
            ]
            #expect(try await client.send(.post, "/api/admin/nodes", token: admin, json: node).status == 201)
            let stored = try await portal.service.rosterPackage(staff: nil, nodeID: "node-jkt")
            let payload = try SignedEnvelope.decode(stored.envelope, maximumBytes: 1 << 24).open(
                kind: RosterPackage.kind,
                trusted: [try portal.service.settings.signingKey().publicKey]
            )
            let seated = try JSONDecoder().decode(RosterPackage.self, from: payload).sessions.flatMap(\.participants)
            #expect(seated.map(\.accommodations) == [["tunanetra"]] && seated.map(\.formationType) == [.disability])
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
