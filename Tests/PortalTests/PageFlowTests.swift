import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// A browser's view: cookies kept between requests, forms posted with their CSRF token.
struct Browser {
    let client: PortalClient
    var cookies: [String: String] = [:]

    mutating func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        form: [(String, String)]? = nil,
        multipart: (fields: [(String, String)], file: [UInt8], name: String)? = nil,
        files upload: (fields: [(String, String)], files: [(field: String, bytes: [UInt8])])? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        var bytes: [UInt8]?
        var contentType: String?
        if let form {
            var components = URLComponents()
            components.queryItems = form.map { URLQueryItem(name: $0.0, value: $0.1) }
            bytes = Array((components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B").utf8)
            contentType = "application/x-www-form-urlencoded"
        } else if let upload = upload ?? multipart.map({ (fields: $0.fields, files: [(field: "file", bytes: $0.file)]) }) {
            let boundary = "----seleksi-uji"
            var body: [UInt8] = []
            for (name, value) in upload.fields {
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            }
            for (field, file) in upload.files {
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(multipart?.name ?? field + ".jpg")\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8
                )
                body += file + Array("\r\n".utf8)
            }
            body += Array("--\(boundary)--\r\n".utf8)
            bytes = body
            contentType = "multipart/form-data; boundary=\(boundary)"
        }
        let reply = try await client.send(method, path, bytes: bytes, contentType: contentType, headers: headers)
        for header in reply.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { cookies[String(pair[0])] = pair[1].isEmpty ? nil : String(pair[1]) }
        }
        return reply
    }

    /// The CSRF token of the form on a page.
    static func csrf(_ page: Reply) throws -> String {
        let match = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/))
        return String(match.1)
    }
}

@Suite("Pages: from account to exam card with forms only")
struct PageFlowTests {
    @Test("sign-out works from a page made for visitors; a planted form cookie and a foreign Origin or Referer are refused")
    func formsBeforeLogin() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            var browser = Browser(client: client)
            var page = try await browser.request(.get, "/masuk")
            let csrf = try Browser.csrf(page)
            // A foreign site posting the login form: refused, whatever the token.
            for header in [
                HTTPFields([.init(name: .origin, value: "https://evil.example")]), HTTPFields([.init(name: .referer, value: "https://evil.example/x")]),
            ] {
                let foreign = try await browser.request(
                    .post,
                    "/masuk",
                    form: [("csrf", csrf), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")],
                    headers: header
                )
                #expect(foreign.status == 403 && foreign.text.contains("situs lain"), "\(header)")
            }
            #expect(browser.cookies["seleksi_sesi"] == nil)
            // A cookie planted with a value of the attacker's choosing (login CSRF): refused.
            var planted = Browser(client: client)
            planted.cookies["seleksi_form"] = String(repeating: "ab", count: 32)
            let forged = try await planted.request(
                .post,
                "/masuk",
                form: [("csrf", String(repeating: "ab", count: 32)), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
            )
            #expect(forged.status == 403 && forged.text.contains("Formulir perlu dimuat ulang") && !forged.text.contains("bukan untuk akun Anda"))
            #expect(planted.cookies["seleksi_sesi"] == nil)
            // The same origin, then sign-out from /masuk (a page made for visitors) while signed in.
            let same = try await browser.request(
                .post,
                "/masuk",
                form: [("csrf", csrf), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")],
                headers: [.origin: "https://localhost"]
            )
            #expect(same.status == 303 && browser.cookies["seleksi_sesi"] != nil, "\(same.status) \(same.text)")
            page = try await browser.request(.get, "/masuk")
            let logout = try #require(page.text.firstMatch(of: /action="\/keluar"[^>]*><input type="hidden" name="csrf" value="([^"]+)"/))
            let reply = try await browser.request(.post, "/keluar", form: [("csrf", String(logout.1))])
            #expect(reply.status == 303, "\(reply.status) \(reply.text)")
            // The session is over on the server, whatever the browser kept.
            let after = try await browser.request(.get, "/lamaran")
            #expect(after.status == 303 && after.headers[.location] == "/masuk?lanjut=%2Flamaran")
        }
    }

    @Test(
        "a formation chosen while signed out is carried through sign-in and sign-up (never kept in the browser), which say why; error pages keep the site's frame"
    )
    func chooseFormationBeforeSignIn() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            var browser = Browser(client: client)
            let list = try await browser.request(.get, "/formasi?q=pranata")
            #expect(list.text.contains(#"href="/lamaran?formasi=KEU-1""#) && list.text.contains("diminta masuk atau membuat akun"))
            let chosen = try await browser.request(.get, "/lamaran?formasi=KEU-1")
            let location = try #require(chosen.headers[.location])
            #expect(chosen.status == 303 && location == "/masuk?lanjut=%2Flamaran%3Fformasi%3DKEU-1")
            // Nothing is kept in the browser for the next person at a shared PC.
            #expect(browser.cookies["seleksi_formasi"] == nil, "\(browser.cookies)")
            var page = try await browser.request(.get, location)
            #expect(page.text.contains("Untuk melamar formasi Pranata Komputer Ahli Pertama (KEU-1), masuk dulu"), "\(page.text)")
            #expect(page.text.contains(#"name="lanjut" value="/lamaran?formasi=KEU-1""#))
            #expect(page.text.contains(#"href="/daftar?lanjut=%2Flamaran%3Fformasi%3DKEU-1""#), "\(page.text)")
            // The link's own text is never shown: only a formation the portal has is named.
            var stranger = Browser(client: client)
            let forged = try await stranger.request(.get, "/masuk?lanjut=%2Flamaran%3Fformasi%3DX.%2520PENTING%253A%2520kirim%2520sandi")
            let notice = try #require(forged.text.firstMatch(of: /<p class="notice"[^>]*>([^<]*)</).map { String($0.1) }, "\(forged.text)")
            #expect(notice.hasPrefix("Halaman itu hanya untuk pelamar") && !notice.contains("PENTING"), "\(notice)")
            let csrf = try Browser.csrf(page)
            let signIn = try await browser.request(
                .post,
                "/masuk",
                form: [("csrf", csrf), ("lanjut", "/lamaran?formasi=KEU-1"), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
            )
            #expect(signIn.status == 303 && signIn.headers[.location] == "/lamaran?formasi=KEU-1")
            page = try await browser.request(.get, "/lamaran?formasi=KEU-1")
            #expect(page.text.contains("Formasi yang dipilih: <strong>Pranata Komputer Ahli Pertama</strong>"), "\(page.text)")
            // A bare /lamaran does not show the choice.
            #expect(!(try await browser.request(.get, "/lamaran")).text.contains("Formasi yang dipilih"))
            // An error page keeps the header and the signed-in menu, and says what to do.
            let missing = try await browser.request(.get, "/tidak-ada")
            #expect(missing.status == 404 && missing.text.contains("Lamaran saya") && missing.text.contains("Periksa alamat"), "\(missing.text)")
            #expect(missing.text.contains("<title>Halaman tidak ditemukan · Seleksi ASN</title>"))

            // Sign-in returns only to this site's own pages.
            for bad in ["//evil.example/x", "https://evil.example", "/\\evil.example", "/masuk"] {
                var other = Browser(client: client)
                page = try await other.request(.get, "/masuk")
                let reply = try await other.request(
                    .post,
                    "/masuk",
                    form: [("csrf", try Browser.csrf(page)), ("lanjut", bad), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
                )
                #expect(reply.headers[.location] == "/lamaran", "\(bad)")
            }
            // The choice survives creating an account: sign-up and the email check carry it to sign-in.
            var fresh = Browser(client: client)
            _ = try await fresh.request(.get, "/lamaran?formasi=BKN-2")
            page = try await fresh.request(.get, "/daftar?lanjut=%2Flamaran%3Fformasi%3DBKN-2")
            #expect(page.text.contains(#"name="lanjut" value="/lamaran?formasi=BKN-2""#), "\(page.text)")
            var reply = try await fresh.request(
                .post,
                "/daftar",
                form: [
                    ("csrf", try Browser.csrf(page)), ("lanjut", "/lamaran?formasi=BKN-2"), ("nik", "3201014501990002"), ("kk", "3201010101100002"),
                    ("name", "Sari Wulandari"), ("birthPlace", "Bogor"), ("birthDate", "1999-01-05"), ("sex", "P"), ("email", "sari@contoh.id"),
                    ("phone", "081234567891"), ("password", "kopi-tubruk-pagi-77"), ("password2", "kopi-tubruk-pagi-77"),
                ]
            )
            let verify = try #require(reply.headers[.location], "\(reply.status) \(reply.text)")
            #expect(verify == "/verifikasi-email?email=sari%40contoh.id&lanjut=%2Flamaran%3Fformasi%3DBKN-2")
            page = try await fresh.request(.get, verify)
            #expect(page.text.contains(#"name="lanjut" value="/lamaran?formasi=BKN-2""#), "\(page.text)")
            reply = try await fresh.request(
                .post,
                "/verifikasi-email",
                form: [
                    ("csrf", try Browser.csrf(page)), ("lanjut", "/lamaran?formasi=BKN-2"), ("email", "sari@contoh.id"),
                    ("code", try await portal.mailedCode(to: "sari@contoh.id")),
                ]
            )
            #expect(reply.headers[.location] == "/masuk?ok=1&lanjut=%2Flamaran%3Fformasi%3DBKN-2", "\(reply.status) \(reply.text)")
            page = try await fresh.request(.get, "/masuk?ok=1&lanjut=%2Flamaran%3Fformasi%3DBKN-2")
            #expect(page.text.contains("Email terverifikasi. Untuk melamar formasi Analis Kepegawaian (BKN-2)"), "\(page.text)")
            reply = try await fresh.request(
                .post,
                "/masuk",
                form: [
                    ("csrf", try Browser.csrf(page)), ("lanjut", "/lamaran?formasi=BKN-2"), ("login", "sari@contoh.id"), ("password", "kopi-tubruk-pagi-77"),
                ]
            )
            #expect(reply.headers[.location] == "/lamaran?formasi=BKN-2")
            page = try await fresh.request(.get, "/lamaran?formasi=BKN-2")
            #expect(page.text.contains(#"value="BKN-2""#) && page.text.contains("Analis Kepegawaian"))
            // Someone chose a formation at a shared PC and walked away: the next person who
            // signs in there is not handed that choice.
            var shared = Browser(client: client)
            _ = try await shared.request(.get, "/lamaran?formasi=KEU-1")
            page = try await shared.request(.get, "/masuk")
            _ = try await shared.request(
                .post,
                "/masuk",
                form: [("csrf", try Browser.csrf(page)), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")]
            )
            #expect(!(try await shared.request(.get, "/lamaran")).text.contains("Formasi yang dipilih"))
        }
    }

    @Test("formation search reads the query as a form sends it and ignores case and accents")
    func formationSearch() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            var browser = Browser(client: client)
            // A form with method=get sends a space as "+": two words found nothing and the
            // box showed "pranata+komputer".
            let twoWords = try await browser.request(.get, "/formasi?q=pranata+komputer&type=&education=&location=")
            #expect(twoWords.status == 200 && twoWords.text.contains("KEU-1") && !twoWords.text.contains("BKN-2"))
            #expect(twoWords.text.contains("value=\"pranata komputer\"") && !twoWords.text.contains("pranata+komputer"))
            let encoded = try await browser.request(.get, "/formasi?q=PRANATA%20Komputer")
            #expect(encoded.text.contains("KEU-1"))
            // Case and accents: "kupang" found nothing where "Kupang" found two.
            for location in ["jakarta", "JAKARTA", "J%C3%A1karta", "+Jakarta+"] {
                let found = try await browser.request(.get, "/formasi?location=\(location)")
                #expect(found.status == 200 && found.text.contains("KEU-1") && found.text.contains("BKN-2") && !found.text.contains("BKN-1"), "\(location)")
            }
            let accented = try await browser.request(.get, "/formasi?q=anal%C3%ADs+aparatur")
            #expect(accented.text.contains("BKN-1") && !accented.text.contains("BKN-2"))
            // The API reads its query the same way.
            let api = try await browser.request(.get, "/api/formations?q=pranata+komputer&location=jakarta")
            #expect(api.status == 200 && api.text.contains("KEU-1") && !api.text.contains("BKN-2"))
            let none = try await browser.request(.get, "/formasi?q=pranata+manokwari")
            #expect(none.status == 200 && !none.text.contains("KEU-1"))
        }
    }

    @Test("sign up, verify, apply, upload, end registration, verification, seat, both cards — all through HTML forms")
    func wholeFlowThroughPages() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            var browser = Browser(client: client)
            let home = try await browser.request(.get, "/")
            #expect(home.status == 200 && home.text.contains("CASN Uji"))
            let list = try await browser.request(.get, "/formasi?q=pranata&type=general")
            #expect(list.status == 200 && list.text.contains("KEU-1") && !list.text.contains("BKN-1"))
            #expect(try await browser.request(.get, "/formasi?type=alien").status == 422)

            var page = try await browser.request(.get, "/daftar")
            var csrf = try Browser.csrf(page)
            let fields: [(String, String)] = [
                ("nik", PortalClient.nik), ("kk", "3201010101100001"), ("name", "Ani Lestari"), ("birthPlace", "Bogor"), ("birthDate", "1999-01-01"),
                ("sex", "P"), ("email", "ani@contoh.id"), ("phone", "081234567890"), ("password", "garam-dan-madu-42"), ("password2", "garam-dan-madu-42"),
            ]
            let bad = try await browser.request(.post, "/daftar", form: [("csrf", csrf)] + fields.map { $0.0 == "birthDate" ? ($0.0, "1999-01-03") : $0 })
            #expect(bad.status == 422 && bad.text.contains("tidak sesuai dengan NIK") && bad.text.contains("value=\"Ani Lestari\""))
            var reply = try await browser.request(.post, "/daftar", form: [("csrf", csrf)] + fields)
            #expect(reply.status == 303 && reply.headers[.location]?.hasPrefix("/verifikasi-email") == true, "\(reply.status) \(reply.text)")
            reply = try await browser.request(
                .post,
                "/verifikasi-email",
                form: [("csrf", csrf), ("email", "ani@contoh.id"), ("code", try await portal.mailedCode(to: "ani@contoh.id"))]
            )
            #expect(reply.status == 303 && reply.headers[.location] == "/masuk?ok=1")
            reply = try await browser.request(.post, "/masuk", form: [("csrf", csrf), ("login", "ani@contoh.id"), ("password", "garam-dan-madu-42")])
            #expect(reply.status == 303 && browser.cookies["seleksi_sesi"] != nil)

            page = try await browser.request(.get, "/lamaran?formasi=KEU-1")
            #expect(page.status == 200 && page.text.contains("value=\"KEU-1\""))
            csrf = try Browser.csrf(page)
            // The rule set's accommodations are offered; one not meant for this formation's type is refused on the form.
            #expect(page.text.contains(#"<input type="checkbox" name="accommodation-tunanetra" value="1">"#), "\(page.text)")
            let form: [(String, String)] = [
                ("csrf", csrf), ("formationID", "KEU-1"), ("level", "S1"), ("major", "Teknik Informatika"), ("diplomaNumber", "UI/2021/00123"),
                ("gpa", "3,40"),
                ("graduationYear", "2021"), ("testLocation", "Jakarta"),
            ]
            reply = try await browser.request(.post, "/lamaran", form: form + [("accommodation-tunanetra", "1")])
            #expect(reply.status == 422 && reply.text.contains("hanya untuk formasi Penyandang Disabilitas"), "\(reply.status) \(reply.text)")
            // A refusal keeps every typed field and names the one at fault next to it.
            let badGPA = form.map { $0.0 == "gpa" ? ($0.0, "5,20") : $0 }
            reply = try await browser.request(.post, "/lamaran", form: badGPA)
            #expect(reply.status == 422, "\(reply.status) \(reply.text)")
            for kept in [#"value="KEU-1""#, #"value="Teknik Informatika""#, #"value="UI/2021/00123""#, #"value="5,20""#, #"value="2021""#] {
                #expect(reply.text.contains(kept), "\(kept) was not kept")
            }
            #expect(reply.text.contains(#"<option value="S1" selected>"#) || reply.text.contains(#"value="S1" selected"#))
            #expect(reply.text.contains(#"id="gpa-error""#) && reply.text.contains(#"aria-invalid="true""#))
            reply = try await browser.request(.post, "/lamaran", form: form)
            #expect(reply.status == 303 && reply.headers[.location] == "/lamaran?disimpan=1", "\(reply.text)")
            page = try await browser.request(.get, "/lamaran?disimpan=1")
            #expect(page.text.contains("Lamaran tersimpan.") && page.text.contains("3,40"))
            // Each document's own limit, named: a photo over 200 KB, not the diploma's 800 KB.
            let bigPhoto = try await browser.request(.post, "/lamaran/dokumen?jenis=foto", multipart: ([("csrf", csrf)], Files.jpeg(300_000), "foto.jpg"))
            #expect(bigPhoto.status == 413 && bigPhoto.text.contains("Berkas Pas foto terlalu besar: paling besar 200 KB"), "\(bigPhoto.text.prefix(400))")
            #expect(page.text.contains("Berkas Pas foto <input type=\"file\""))
            #expect(page.text.contains("Unggah Pas foto"))
            let wrongType = try await browser.request(.post, "/lamaran/dokumen", multipart: ([("csrf", csrf), ("kind", "foto")], Files.png, "foto.jpg"))
            #expect(wrongType.status == 415 && wrongType.text.contains("bukan JPG"))
            for (kind, file) in [("foto", Files.jpeg()), ("swafoto", Files.jpeg()), ("ktp", Files.jpeg()), ("ijazah", Files.pdf()), ("transkrip", Files.pdf())]
            {
                reply = try await browser.request(.post, "/lamaran/dokumen", multipart: ([("csrf", csrf), ("kind", kind)], file, kind))
                #expect(reply.status == 303, "\(kind): \(reply.status) \(reply.text.prefix(300))")
            }
            #expect(reply.headers[.location] == "/lamaran?unggah=transkrip#dokumen")
            page = try await browser.request(.get, "/lamaran?unggah=transkrip")
            #expect(page.text.contains("Berkas Transkrip") && page.text.contains("terunggah"), "\(page.text)")
            reply = try await browser.request(.post, "/lamaran/akhiri", form: [("csrf", csrf), ("confirm", "1")])
            #expect(reply.status == 303 && reply.headers[.location] == "/lamaran?diakhiri=1")
            page = try await browser.request(.get, "/lamaran?diakhiri=1")
            #expect(page.text.contains("Pendaftaran sudah diakhiri") && page.text.contains("menunggu verifikasi"))
            page = try await browser.request(.get, "/kartu-pendaftaran")
            #expect(page.status == 200 && page.text.contains("Ani Lestari") && page.text.contains("Kementerian Keuangan"))
            #expect(try await browser.request(.get, "/kartu-ujian").status == 404)

            // The verifier, in a browser of their own.
            var staff = Browser(client: client)
            page = try await staff.request(.get, "/staf/masuk")
            let staffCSRF = try Browser.csrf(page)
            let secrets = portal.staffSecrets["verif-keu"]!
            reply = try await staff.request(
                .post,
                "/staf/masuk",
                form: [("csrf", staffCSRF), ("username", "verif-keu"), ("password", secrets.password), ("totp", "123")]
            )
            #expect(reply.status == 401)
            reply = try await staff.request(
                .post,
                "/staf/masuk",
                form: [("csrf", staffCSRF), ("username", "verif-keu"), ("password", secrets.password), ("totp", portal.totp("verif-keu"))]
            )
            #expect(reply.status == 303)
            page = try await staff.request(.get, "/staf/verifikasi")
            let id = try #require(page.text.firstMatch(of: /\/staf\/verifikasi\/(\d+)/)).1
            page = try await staff.request(.get, "/staf/verifikasi/\(id)")
            #expect(page.text.contains("UI/2021/00123") && page.text.contains("dokumen/ijazah"))
            #expect(page.text.contains(#"dokumen/foto">Pas foto</a>"#) && page.text.contains("1 Januari 1999") && page.text.contains("3,40"), "\(page.text)")
            #expect(!page.text.contains("<th>Pernyataan</th>"))
            let file = try await staff.request(.get, "/staf/verifikasi/\(id)/dokumen/ijazah")
            #expect(file.status == 200 && [UInt8](file.body) == Files.pdf())
            reply = try await staff.request(
                .post,
                "/staf/verifikasi/\(id)/keputusan",
                form: [("csrf", try Browser.csrf(page)), ("result", "MS"), ("note", "Lengkap")]
            )
            #expect(reply.status == 303)

            var admin = Browser(client: client)
            page = try await admin.request(.get, "/staf/masuk")
            let adminSecrets = portal.staffSecrets["admin"]!
            reply = try await admin.request(
                .post,
                "/staf/masuk",
                form: [("csrf", try Browser.csrf(page)), ("username", "admin"), ("password", adminSecrets.password), ("totp", portal.totp("admin"))]
            )
            #expect(reply.status == 303)
            page = try await admin.request(.get, "/staf/panitia")
            // Roles and actions in Indonesian; the filter offers the actions by name.
            #expect(page.status == 200 && page.text.contains("verif-keu (verifikator)") && page.text.contains("<td>memutuskan verifikasi</td>"), "\(page.text)")
            #expect(page.text.contains("admin (admin panitia)") && page.text.contains(#"<option value="verification.decide">memutuskan verifikasi</option>"#))
            // Too early while registration is open: the page says why, and nothing is announced.
            reply = try await admin.request(.post, "/staf/panitia/umumkan", form: [("csrf", try Browser.csrf(page))])
            #expect(reply.status == 409 && reply.text.contains("Pendaftaran masih dibuka"), "\(reply.status)")
            try await portal.closeRegistration()
            page = try await admin.request(.get, "/staf/panitia")
            // The first click asks, naming what the announcement covers; nothing is announced yet.
            page = try await admin.request(.post, "/staf/panitia/umumkan", form: [("csrf", try Browser.csrf(page))])
            #expect(page.status == 200 && page.text.contains("mencakup <strong>1 lamaran</strong> yang diakhiri: 1 MS dan 0 TMS"), "\(page.text)")
            #expect(!page.text.contains("Hasil administrasi diumumkan"))
            #expect(try await browser.request(.get, "/lamaran").text.contains("Hasil seleksi administrasi") == false)
            // The confirmation carries the digest of the decisions it showed.
            let shown = try #require(page.text.firstMatch(of: /name="decisions" value="([0-9a-f]{64})"/)?.1).description
            // A confirmation of other decisions than the current ones (a decision since) asks again.
            page = try await admin.request(
                .post,
                "/staf/panitia/umumkan",
                form: [("csrf", try Browser.csrf(page)), ("confirm", "1"), ("decisions", String(repeating: "0", count: 64))]
            )
            #expect(page.status == 200 && page.text.contains("berubah sejak konfirmasi") && !page.text.contains("Hasil administrasi diumumkan"))
            page = try await admin.request(
                .post,
                "/staf/panitia/umumkan",
                form: [("csrf", try Browser.csrf(page)), ("confirm", "1"), ("decisions", shown)]
            )
            #expect(page.status == 200 && page.text.contains("Hasil administrasi diumumkan"))
            page = try await admin.request(.post, "/staf/panitia/jadwalkan", form: [("csrf", try Browser.csrf(page))])
            #expect(page.status == 200 && page.text.contains("1 peserta mendapat nomor"))
            // A verifier is not an admin.
            let notAdmin = try await staff.request(.get, "/staf/panitia")
            #expect(notAdmin.status == 403 && notAdmin.text.contains("Tidak diizinkan") && notAdmin.text.contains("verif-keu (verifikator)"))

            page = try await browser.request(.get, "/lamaran")
            #expect(page.text.contains("Hasil seleksi administrasi: MS"))
            page = try await browser.request(.get, "/kartu-ujian")
            let number = try #require(page.text.firstMatch(of: /class="number">(\d+)</)).1
            #expect(ParticipantNumber.isValid(String(number)) && page.text.contains("Kanreg V Jakarta"))
            #expect(page.text.firstMatch(of: /Kode akses<\/th><td><strong class="code">[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}</) != nil)
            // What the door checks: photo, birth date, the session's start and end (the rule
            // set's 100 minutes), and the time to arrive, all in the venue's zone.
            #expect(page.text.contains(#"<img class="photo" src="/lamaran/dokumen/foto" alt="Pas foto Ani Lestari""#))
            #expect(page.text.contains("Bogor, 1 Januari 1999") && page.text.contains(PortalClient.nik))
            let hours = try #require(page.text.firstMatch(of: /Sesi \d, (\d\d)\.(\d\d)–(\d\d)\.(\d\d) WIB/), "\(page.text)")
            let arrive = try #require(page.text.firstMatch(of: /Hadir paling lambat<\/th><td><strong>(\d\d)\.(\d\d) WIB/))
            func minutes(_ h: Substring, _ m: Substring) -> Int { Int(h)! * 60 + Int(m)! }
            let start = minutes(hours.1, hours.2)
            #expect((minutes(hours.3, hours.4) - start + 1440) % 1440 == 100)
            #expect((start - minutes(arrive.1, arrive.2) + 1440) % 1440 == 60)
            reply = try await browser.request(.post, "/keluar", form: [("csrf", try Browser.csrf(page))])
            #expect(reply.status == 303)
            #expect(try await browser.request(.get, "/kartu-ujian").status == 303)
        }
    }
}
