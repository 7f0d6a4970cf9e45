import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// Someone signs up with Ani's NIK; Ani claims it with her KTP and KK scans, a verifier
/// upholds the claim, the other account is frozen, and Ani registers.
@Suite("NIK claims: the owner of a taken NIK gets it back")
struct ClaimTests {
    static let owner = "ani@contoh.id"
    static let squatter = "penyerobot@contoh.id"

    /// The claim form's fields for Ani (as on her KTP), with `statement`.
    static func fields(
        _ csrf: String,
        nik: String = PortalClient.nik,
        statement: String = "Saya tidak pernah membuat akun; NIK saya ditolak saat mendaftar."
    )
        -> [(String, String)]
    {
        [
            ("csrf", csrf), ("nik", nik), ("kk", "3201010101100001"), ("name", "Ani Lestari"), ("birthPlace", "Bogor"), ("birthDate", "1999-01-01"),
            ("sex", "P"), ("email", owner), ("phone", "081234567890"), ("statement", statement),
        ]
    }

    static func mails(_ portal: TestPortal, to address: String) async throws -> [Mail] {
        try await portal.service.store.pendingMail(limit: 1000).filter { $0.to == address }
    }

    @Test("a claim: refused without both scans or a reason, once per NIK, only for a taken NIK; upheld, it freezes the other account and the owner registers")
    func upheld() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            // Someone takes Ani's NIK, applies, and ends registration.
            let taken = try await client.applicant(email: Self.squatter)
            let takenApplication = try await client.submittedApplication(taken)
            // Ani is refused, and told where to go.
            let refused = try await client.send(.post, "/api/accounts", json: client.signUpForm(email: Self.owner))
            #expect(refused.status == 409 && refused.code == "duplicate-nik" && refused.text.contains("/klaim-nik"))

            var ani = Browser(client: client)
            var page = try await ani.request(.get, "/klaim-nik")
            #expect(page.status == 200 && page.text.contains("name=\"ktp\"") && page.text.contains("name=\"kk\""))
            let csrf = try Browser.csrf(page)
            let scans: [(field: String, bytes: [UInt8])] = [("ktp", Files.jpeg(3_000, fill: 1)), ("kk", Files.jpeg(4_000, fill: 2))]
            var reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf), files: [scans[0]]))
            #expect(reply.status == 422 && reply.text.contains("Unggah pindaian Kartu Keluarga") && reply.text.contains("value=\"Ani Lestari\""))
            reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf), files: [scans[0], ("kk", Files.png)]))
            #expect(reply.status == 415, "\(reply.status)")
            reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf, statement: "NIK saya"), files: scans))
            #expect(reply.status == 422 && reply.text.contains("20-2000 karakter"))
            // The scans it carried do not come back (no browser refills a file input): the form says to choose them again.
            #expect(reply.text.contains(#"id="pilih-lagi""#) && reply.text.contains("Pilih lagi kedua pindaian"), "\(reply.text)")
            reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf, nik: PortalClient.papuaNIK), files: scans))
            #expect(reply.status == 409 || reply.status == 422, "\(reply.status)")
            #expect(try await portal.service.store.claims(periodID: "casn-test", status: nil).isEmpty)

            reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf), files: scans))
            #expect(reply.status == 303 && reply.headers[.location] == "/klaim-nik?diajukan=1")
            #expect(try await Self.mails(portal, to: Self.owner).contains { $0.subject == "Klaim NIK diterima" })
            #expect(try await Self.mails(portal, to: Self.squatter).contains { $0.subject == "Ada klaim atas NIK akun Anda" })
            reply = try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(csrf), files: scans))
            #expect(reply.status == 409 && reply.text.contains("menunggu keputusan"))
            let claim = try #require(try await portal.service.store.claims(periodID: "casn-test", status: .pending).first)

            // A verifier of any agency compares and decides.
            var verifier = try await CommitteePageTests.signedIn("verif-bkn", client, portal)
            page = try await verifier.request(.get, "/staf/klaim")
            #expect(page.status == 200 && page.text.contains("/staf/klaim/\(claim.id)") && page.text.contains("menunggu keputusan"))
            page = try await verifier.request(.get, "/staf/klaim/\(claim.id)")
            #expect(page.text.contains("Ani Lestari") && page.text.contains(Self.squatter) && page.text.contains("lamaran \(takenApplication)"))
            let scan = try await verifier.request(.get, "/staf/klaim/\(claim.id)/dokumen/kk")
            #expect(scan.status == 200 && [UInt8](scan.body) == scans[1].bytes, "\(scan.status) \(scan.text.prefix(300))")
            #expect(try await verifier.request(.get, "/staf/klaim/\(claim.id)/dokumen/foto").status == 404)
            reply = try await verifier.request(
                .post,
                "/staf/klaim/\(claim.id)/keputusan",
                form: [("csrf", try Browser.csrf(page)), ("decision", "terima"), ("note", "")]
            )
            #expect(reply.status == 422 && reply.text.contains("Tulis alasan"))
            reply = try await verifier.request(
                .post,
                "/staf/klaim/\(claim.id)/keputusan",
                form: [("csrf", try Browser.csrf(page)), ("decision", "terima"), ("note", "KTP dan KK pemohon asli; akun lain memakai NIK orang lain.")]
            )
            #expect(reply.status == 303)
            page = try await verifier.request(.get, "/staf/klaim/\(claim.id)")
            #expect(page.text.contains("diterima") && page.text.contains("dibekukan") && !page.text.contains("Simpan keputusan"))
            reply = try await verifier.request(
                .post,
                "/staf/klaim/\(claim.id)/keputusan",
                form: [("csrf", try Browser.csrf(page)), ("decision", "tolak"), ("note", "berubah pikiran")]
            )
            #expect(reply.status == 409)

            // The other account is signed out, cannot sign in again, and is out of the selection.
            #expect(try await client.send(.get, "/api/me", token: taken).status == 401)
            let signIn = try await client.send(.post, "/api/sessions", json: ["login": Self.squatter, "password": "garam-dan-madu-42"])
            #expect(signIn.status == 401)
            let keu = try await client.staff("verif-keu")
            let worklist = try await client.send(.get, "/api/verifier/applications", token: keu)
            #expect((worklist["items"] as? [Any])?.isEmpty == true, "\(worklist.text)")
            #expect(try await Self.mails(portal, to: Self.squatter).contains { $0.subject == "Akun Anda dibekukan" })
            #expect(try await Self.mails(portal, to: Self.owner).contains { $0.subject == "Klaim NIK diterima" && $0.body.contains("sudah dibekukan") })

            // Ani registers with her NIK (and could reuse the other account's email, which is free now).
            let ani2 = try await client.applicant(email: Self.owner)
            #expect(try await client.send(.get, "/api/me", token: ani2)["nik"] as? String == PortalClient.nik)

            let actions = try await portal.service.store.audit(AuditFilter(limit: 1000)).map(\.action)
            for action in ["claim.file", "claims.open", "claim.open", "claim.document.open", "claim.decide", "account.freeze"] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test("a rejected claim leaves the account as it was; applicants and visitors never reach the claims")
    func rejectedAndScope() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let taken = try await client.applicant(email: Self.squatter)
            var ani = Browser(client: client)
            let page = try await ani.request(.get, "/klaim-nik")
            let scans: [(field: String, bytes: [UInt8])] = [("ktp", Files.jpeg()), ("kk", Files.jpeg())]
            #expect(try await ani.request(.post, "/klaim-nik", files: (fields: Self.fields(try Browser.csrf(page)), files: scans)).status == 303)
            let claim = try #require(try await portal.service.store.claims(periodID: "casn-test", status: nil).first)

            // An applicant (the holder included) and a visitor see no claim.
            for path in ["/staf/klaim", "/staf/klaim/\(claim.id)", "/staf/klaim/\(claim.id)/dokumen/ktp"] {
                #expect(try await client.send(.get, path, token: taken).status == 403, "\(path)")
                var visitor = Browser(client: client)
                let anonymous = try await visitor.request(.get, path)
                #expect(anonymous.status == 303 && anonymous.headers[.location] == "/staf/masuk", "\(path)")
            }

            var verifier = try await CommitteePageTests.signedIn("verif-keu", client, portal)
            let detail = try await verifier.request(.get, "/staf/klaim/\(claim.id)")
            let reply = try await verifier.request(
                .post,
                "/staf/klaim/\(claim.id)/keputusan",
                form: [("csrf", try Browser.csrf(detail)), ("decision", "tolak"), ("note", "Pindaian KTP tidak terbaca dan tidak cocok.")]
            )
            #expect(reply.status == 303)
            #expect(try await client.send(.get, "/api/me", token: taken).status == 200)
            #expect(try await Self.mails(portal, to: Self.owner).contains { $0.subject == "Klaim NIK ditolak" })
            #expect(try await client.send(.post, "/api/accounts", json: client.signUpForm(email: Self.owner)).code == "duplicate-nik")
            // Decided: a new claim may be filed (with new evidence).
            #expect(try await portal.service.store.claims(periodID: "casn-test", status: .rejected).count == 1)
        }
    }
}
