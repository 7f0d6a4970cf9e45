import Foundation
import HTTPTypes
import Registration
import SeleksiAuth
import SeleksiCore
import Testing

@testable import Portal

/// Observers (inspectorate, ombudsman, partner agencies): they read, within their period;
/// they change nothing.
@Suite("Observers: read-only, within one period")
struct ObserverTests {
    /// Ani's results in and published; an observer of the period signed in.
    static func published(_ client: PortalClient, _ portal: TestPortal) async throws -> (observer: String, number: String, applicant: String) {
        let (key, _) = try ResultsBoardTests.keys()
        let (ani, admin, number, _) = try await ResultsBoardTests.examined(client, portal, key)
        let package = ResultsBoardTests.sealed(ResultsBoardTests.results("jkt-1", [ResultsBoardTests.finished(number, twk: 100, tiu: 110, tkp: 180)]), key)
        #expect(try await client.send(.post, "/api/node/results", bytes: package).status == 200)
        #expect(try await client.send(.post, "/api/admin/announcements/skd", token: admin, json: [String: Any]()).status == 201)
        let (_, password, secret) = try await portal.service.createStaff(username: "pengamat", role: .observer, agencyID: nil)
        portal.staffSecrets["pengamat"] = (password, secret)
        return (try await client.staff("pengamat"), number, ani)
    }

    @Test("an observer follows every session, reads the portal's and the node's audit logs, and checks a published score against its signed package")
    func reads() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let (observer, number, _) = try await Self.published(client, portal)
            let progress = try await client.send(.get, "/api/observer/progress", token: observer)
            let sessions = try #require(progress["items"] as? [[String: Any]])
            let morning = try #require(sessions.first { $0["sessionID"] as? String == "jkt-1" })
            #expect(morning["nodeID"] as? String == "node-jkt" && (morning["results"] as? [String: Any])?["finished"] as? Int == 1)
            #expect(sessions.first { $0["sessionID"] as? String == "jkt-2" }?["results"] == nil)
            let audit = try await client.send(.get, "/api/observer/audit?action=results.import", token: observer)
            #expect((audit["items"] as? [[String: Any]])?.count == 1)
            let nodeAudit = try await client.send(.get, "/api/observer/sessions/jkt-1/audit", token: observer)
            #expect((nodeAudit["items"] as? [[String: Any]])?.first?["action"] as? String == "session-open")
            #expect(try await client.send(.get, "/api/observer/sessions/jkt-2/audit", token: observer).code == "no-results")
            let check = try await client.send(.get, "/api/observer/scores/\(number)", token: observer)
            #expect(check.status == 200 && check["matches"] as? Bool == true && check["signatureValid"] as? Bool == true, "\(check.text)")
            #expect(check["publishedTotal"] as? Int == 390 && check["nodeID"] as? String == "node-jkt")
            #expect(try await client.send(.get, "/api/observer/scores/2699999999", token: observer).code == "unknown-participant")
            // The pages, by bearer as by cookie.
            let page = try await client.send(.get, "/staf/pengamat?nomor=\(number)", token: observer)
            #expect(page.status == 200 && page.text.contains("Cocok dengan paket hasil bertanda tangan node"), "\(page.text)")
            // The node's log in words, at the venue's time (Jakarta: WIB), to the second.
            let log = try await client.send(.get, "/staf/pengamat/sesi/jkt-1", token: observer).text
            #expect(log.contains("<td>membuka sesi</td>") && log.contains("waktu dalam WIB") && log.contains(" 07.00.00 WIB</td>"), "\(log)")
            // Reading the portal's log is itself on the log.
            #expect(try await portal.service.store.audit(AuditFilter(actor: "pengamat", action: "audit.read", limit: 10)).count == 1)
        }
    }

    @Test("an observer reads the audit lines of their own period only: the lines written while an earlier period was current are not theirs")
    func auditOfOwnPeriod() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let admin = try await client.staff("admin")
            // The set-up's lines belong to casn-test; a new period becomes the current one.
            portal.clock.advance(seconds: 1)
            var next = try await portal.service.period()
            next.id = "casn-baru"
            next.name = "CASN Baru"
            try await portal.service.setPeriod(staff: nil, next)
            let (_, password, secret) = try await portal.service.createStaff(username: "pengamat", role: .observer, agencyID: nil)
            portal.staffSecrets["pengamat"] = (password, secret)
            let observer = try await client.staff("pengamat")
            let earlier = try await client.send(.get, "/api/observer/audit?action=agency.save", token: observer)
            #expect(earlier.status == 200 && (earlier["items"] as? [[String: Any]])?.isEmpty == true, "\(earlier.text)")
            let own = try await client.send(.get, "/api/observer/audit?action=period.save", token: observer)
            let lines = try #require(own["items"] as? [[String: Any]])
            #expect(lines.count == 1 && lines.first?["subject"] as? String == "casn-baru", "\(own.text)")
            // An admin's log is the whole log.
            let all = try await client.send(.get, "/api/admin/audit?action=agency.save", token: admin)
            #expect((all["items"] as? [[String: Any]])?.count == 2, "\(all.text)")
        }
    }

    @Test("every write route of the API refuses an observer; an observer of another period, a verifier and an applicant see nothing")
    func readOnly() async throws {
        let portal = try await TestPortal()
        let routes = try await buildPortalRouter(service: portal.service).apiRoutes
        try await portal.test { client in
            let (observer, number, applicant) = try await Self.published(client, portal)
            let before = try await portal.service.store.audit(AuditFilter(limit: 1000)).filter { $0.action != "audit.read" }.count
            // Signing in and out is one's own session, not a change to the selection.
            let own: Set<String> = ["post /api/staff/sessions", "delete /api/sessions"]
            let writes = routes.filter { $0.method != "get" && !own.contains("\($0.method) \($0.path)") }
            #expect(writes.count >= 25)
            for route in writes {
                let path = route.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{kind}", with: "foto")
                    .replacingOccurrences(of: "{number}", with: number)
                let reply = try await client.send(HTTPRequest.Method(route.method.uppercased())!, path, token: observer, json: [String: Any]())
                #expect(!(200..<300).contains(reply.status) && reply.status < 500, "\(route.method) \(route.path): \(reply.status) \(reply.text)")
            }
            // Nothing changed.
            #expect(try await portal.service.store.audit(AuditFilter(limit: 1000)).filter { $0.action != "audit.read" }.count == before)
            // An observer whose period is not this one.
            _ = try await portal.service.store.saveStaff(
                username: "pengamat-lama",
                role: .observer,
                agencyID: nil,
                periodID: nil,
                passwordHash: try await PasswordHashing.hash("kata-sandi-lama-1", cost: 4),
                totpSecret: "JBSWY3DPEHPK3PXP"
            )
            portal.staffSecrets["pengamat-lama"] = ("kata-sandi-lama-1", "JBSWY3DPEHPK3PXP")
            let stale = try await client.staff("pengamat-lama")
            portal.clock.advance(seconds: 31)
            let verifier = try await client.staff("verif-keu")
            for token in [stale, verifier, applicant] {
                for path in ["/api/observer/progress", "/api/observer/audit", "/api/observer/sessions/jkt-1/audit", "/api/observer/scores/\(number)"] {
                    #expect(try await client.send(.get, path, token: token).status == 403, "\(path)")
                }
            }
        }
    }
}
