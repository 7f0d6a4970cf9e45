import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

@Suite("Access scopes: applicants see only their own, verifiers only their agency, roles hold")
struct ScopeTests {
    @Test("applicant B cannot reach A's application or documents; staff scopes hold")
    func scopes() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let ani = try await client.applicant()
            let aniID = try await client.submittedApplication(ani)
            let budi = try await client.applicant(nik: PortalClient.papuaNIK, email: "budi@contoh.id", birthDate: "1998-07-05", sex: "L")
            // Applicant routes address "my" application only; B sees none and A's file is out of reach.
            #expect(try await client.send(.get, "/api/application", token: budi).code == "no-application")
            #expect(try await client.send(.get, "/api/application/documents/foto", token: budi).status == 404)
            // Staff routes refuse applicants.
            for path in [
                "/api/verifier/applications", "/api/verifier/applications/\(aniID)", "/api/verifier/applications/\(aniID)/documents/foto", "/api/admin/audit",
            ] {
                let reply = try await client.send(.get, path, token: budi)
                #expect(reply.status == 403 && reply.code == "forbidden", "\(path): \(reply.status)")
            }
            #expect(try await client.send(.post, "/api/admin/assign-seats", token: ani).status == 403)
            #expect(try await client.send(.post, "/api/verifier/applications/\(aniID)/decision", token: ani, json: ["result": "MS"]).status == 403)
            // Without a session: 401.
            #expect(try await client.send(.get, "/api/application").status == 401)
            #expect(try await client.send(.get, "/api/verifier/applications").status == 401)
            #expect(try await client.send(.get, "/api/me", token: "bukan-token").status == 401)

            // A verifier of another agency sees neither the list entry, the application, nor its files.
            let bkn = try await client.staff("verif-bkn")
            #expect((try await client.send(.get, "/api/verifier/applications", token: bkn)["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/verifier/applications/\(aniID)", token: bkn).status == 404)
            #expect(try await client.send(.get, "/api/verifier/applications/\(aniID)/documents/foto", token: bkn).status == 404)
            #expect(try await client.send(.post, "/api/verifier/applications/\(aniID)/decision", token: bkn, json: ["result": "MS"]).status == 404)
            // The own agency's verifier sees it, with its file; verifiers are not admins.
            let keu = try await client.staff("verif-keu")
            let file = try await client.send(.get, "/api/verifier/applications/\(aniID)/documents/ijazah", token: keu)
            #expect(file.status == 200 && file.headers[.contentType] == "application/pdf")
            #expect(try await client.send(.get, "/api/verifier/applications/\(aniID)", token: keu).status == 200)
            let admin = try await client.staff("admin")
            let opened = try await client.send(.get, "/api/admin/audit?actor=verif-keu", token: admin)
            let actions = (opened["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("application.open") && actions.contains("document.open"), "reading personal data is audited: \(actions)")
            #expect(try await client.send(.post, "/api/admin/assign-seats", token: keu).status == 403)
            #expect(try await client.send(.get, "/api/admin/audit", token: keu).status == 403)
            // An applicant token cannot read the staff member's session and vice versa.
            #expect(try await client.send(.get, "/api/me", token: keu).status == 403)
        }
    }

    @Test("a cookie session must carry its CSRF token on API writes; pages refuse forms without it")
    func csrf() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            let login = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "garam-dan-madu-42"])
            let token = try #require(login["token"] as? String)
            let csrf = try #require(login["csrf"] as? String)
            let cookie: HTTPFields = [.cookie: "seleksi_sesi=\(token)"]
            let without = try await client.send(.post, "/api/application", json: PortalClient.draft(), headers: cookie)
            #expect(without.status == 403 && without.code == "invalid-csrf")
            var with = cookie
            with[.init("X-CSRF-Token")!] = csrf
            let doubleSlash = try await client.send(.post, "//api/application", json: PortalClient.draft(), headers: cookie)
            #expect(doubleSlash.status == 403 && doubleSlash.code == "invalid-csrf", "//api is the API too: \(doubleSlash.status)")
            #expect(try await client.send(.post, "/api/application", json: PortalClient.draft(), headers: with).status == 201)
            let form = try await client.send(
                .post,
                "/lamaran/akhiri",
                bytes: Array("confirm=1".utf8),
                contentType: "application/x-www-form-urlencoded",
                headers: cookie
            )
            #expect(form.status == 403)
            let anonymous = try await client.send(
                .post,
                "/masuk",
                bytes: Array("login=\(PortalClient.nik)&password=garam-dan-madu-42".utf8),
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(anonymous.status == 403)
        }
    }
}
