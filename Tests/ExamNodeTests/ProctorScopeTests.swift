import ExamEngine
import Foundation
import HTTPTypes
import SeleksiAuth
import SeleksiCore
import Testing

@testable import ExamNode

@Suite("Exam node: proctors reach only their sessions")
struct ProctorScopeTests {
    @Test("another proctor's session answers 404 on every route; a venue proctor sees the venue's; an assignment adds one")
    func scope() async throws {
        let node = try await TestNode()
        let otherSecret = try await node.service.setProctor(username: "lain", password: "kata-sandi-lain-1")
        let venueSecret = try await node.service.setProctor(username: "kupang", password: "kata-sandi-kupang", venue: "SMKN 1 Kupang")
        try await node.test { client in
            let (_, session) = try await node.openSession(client)
            let other: [String: String] = try await client.json(
                .post,
                "/api/proctor/login",
                body: client.proctorLogin(username: "lain", password: "kata-sandi-lain-1", secret: otherSecret)
            )
            let token = try #require(other["token"])
            let listed: [SessionSummary] = try await client.json(.get, "/api/proctor/sessions", token: token)
            #expect(listed.isEmpty, "another proctor's session and its PIN are listed")
            let routes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "", nil), (.get, "/audit", nil), (.post, "/open", nil), (.post, "/pause", nil), (.post, "/resume", nil),
                (.post, "/close", nil), (.post, "/extend", ["minutes": 5]), (.post, "/candidates/2024000001/extend", ["minutes": 5]),
                (.post, "/candidates/2024000001/reset-device", nil),
            ]
            for (method, path, body) in routes {
                let refusal = try await client.refusal(method, "/api/proctor/sessions/\(session.id)\(path)", token: token, body: body)
                #expect((refusal.status, refusal.code) == (404, "unknown-session"), "\(method) \(path)")
            }
            // Nothing happened to the session.
            let summary = try await node.service.session(session.id)
            #expect(summary.state == "open" && !summary.paused)

            // The venue's proctor sees it, and imports sessions of their venue only.
            let venue: [String: String] = try await client.json(
                .post,
                "/api/proctor/login",
                body: client.proctorLogin(username: "kupang", password: "kata-sandi-kupang", secret: venueSecret)
            )
            let venueToken = try #require(venue["token"])
            let seen: [SessionSummary] = try await client.json(.get, "/api/proctor/sessions", token: venueToken)
            #expect(seen.map(\.id) == [session.id])
            let elsewhere = try await client.refusal(
                .post,
                "/api/proctor/packages",
                token: venueToken,
                raw: node.package(session: "sesi-manokwari", version: 2, people: [], venue: "SMAN 2 Manokwari")
            )
            #expect((elsewhere.status, elsewhere.code) == (403, "wrong-venue"))

            // Assigned, the other proctor sees it too; the assignment is audited.
            try await node.service.assignProctor(username: "lain", session: session.id, actor: "sistem")
            let now: [SessionSummary] = try await client.json(.get, "/api/proctor/sessions", token: token)
            #expect(now.map(\.id) == [session.id])
            let audit = try await node.service.audit(session: session.id)
            #expect(audit.contains { $0.action == "proctor-assign" && $0.details == "lain" })
        }
    }

    @Test("extensions stop at the configured total per candidate, counting the session's")
    func extensionCap() async throws {
        var settings = ExamSettings()
        settings.maxExtensionMilliseconds = 30 * 60_000
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            let (proctor, session) = try await node.openSession(client)
            let base = "/api/proctor/sessions/\(session.id)"
            let _: [String: Bool] = try await client.json(.post, base + "/candidates/2024000001/extend", token: proctor, body: ["minutes": 20])
            let over = try await client.refusal(.post, base + "/candidates/2024000001/extend", token: proctor, body: ["minutes": 15])
            #expect((over.status, over.code) == (409, "extension-cap"))
            #expect(over.message.contains("30 menit") && over.message.contains("20 menit"))
            let sessionOver = try await client.refusal(.post, base + "/extend", token: proctor, body: ["minutes": 15])
            #expect(sessionOver.code == "extension-cap", "the session's extension would give candidate 1 35 minutes")
            let _: [String: Bool] = try await client.json(.post, base + "/extend", token: proctor, body: ["minutes": 10])
            let candidateOver = try await client.refusal(.post, base + "/candidates/2024000002/extend", token: proctor, body: ["minutes": 25])
            #expect(candidateOver.code == "extension-cap", "with the session's 10 minutes, candidate 2 would have 35")
            let _: [String: Bool] = try await client.json(.post, base + "/candidates/2024000002/extend", token: proctor, body: ["minutes": 20])
        }
    }

    @Test("sign-in needs the authenticator's code, once; a reset and a sign-out end tokens; wrong sign-ins are limited per address")
    func signIn() async throws {
        var settings = ExamSettings()
        settings.proctorLoginFailuresPerAddress = 3
        let node = try await TestNode(settings: settings)
        try await node.test { client in
            var noCode = client.proctorLogin()
            noCode["totp"] = ""
            #expect(try await client.refusal(.post, "/api/proctor/login", body: noCode).code == "proctor-unauthorized")
            let wrongCode = client.proctorLogin(secret: "BUKANRAHASIAYANGBENAR")
            #expect(try await client.refusal(.post, "/api/proctor/login", body: wrongCode).code == "proctor-unauthorized")
            let first: [String: String] = try await client.json(.post, "/api/proctor/login", body: client.proctorLogin())
            let token = try #require(first["token"])
            // The same code again (seen over a shoulder): refused.
            let replay = try await client.refusal(.post, "/api/proctor/login", body: client.proctorLogin())
            #expect(replay.code == "proctor-unauthorized")
            // Three wrong sign-ins from this address: now even a right one waits.
            let limited = try await client.refusal(.post, "/api/proctor/login", body: client.proctorLogin(offsetSteps: 1))
            #expect((limited.status, limited.code) == (429, "too-many-attempts"))

            let _: [SessionSummary] = try await client.json(.get, "/api/proctor/sessions", token: token)
            let _: [String: Bool] = try await client.json(.post, "/api/proctor/logout", token: token)
            #expect(try await client.refusal(.get, "/api/proctor/sessions", token: token).status == 401)
        }
        // A reset ends every sign-in of that proctor.
        let fresh = try await TestNode()
        try await fresh.test { client in
            let token = try await client.proctorToken()
            fresh.proctorSecret = try await fresh.service.setProctor(username: "pengawas", password: "kata-sandi-baru-99")
            #expect(try await client.refusal(.get, "/api/proctor/sessions", token: token).status == 401)
            let again: [String: String] = try await client.json(.post, "/api/proctor/login", body: client.proctorLogin(password: "kata-sandi-baru-99"))
            #expect(again["token"] != nil)
        }
    }
}
