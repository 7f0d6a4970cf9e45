import Foundation
import Registration
import SeleksiAuth
import SeleksiCore
import Testing

/// The portal as people meet it: headless Chromium at a phone's width with JavaScript
/// off, through every journey by its own forms: the applicant from the home page to the
/// exam card, the verifier, the committee admin. Every page fits the screen (no sideways
/// scrolling), every control is labelled, a refused form keeps what was typed, and every
/// action says what happened.
/// (Run within the serialized end-to-end suite: a browser beside the crash tests would
/// compete with their timing.)
extension EndToEndTests {
    @Test("applicant, verifier and committee admin through the pages at phone width, JavaScript off", arguments: [360, 412])
    func portalAtPhoneWidth(width: Int) async throws { try await PortalPhoneBrowser().journeys(width: width) }
}

struct PortalPhoneBrowser {
    typealias LivePortal = HandoffEndToEndTests.LivePortal
    static let day: Int64 = 86_400_000

    /// The page's layout and controls as the browser has them.
    struct PageCheck: Decodable {
        let path: String
        let client: Int
        let scroll: Int
        let wide: [String]
        let unlabelled: [String]
        let lang: String
        let title: String
        let skip: Bool
    }

    static let checkScript = """
        const d = document.documentElement, wide = [], unlabelled = [];
        if (d.scrollWidth > d.clientWidth) {
          for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.right > d.clientWidth + 1) wide.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(r.right) + 'px');
          }
        }
        for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
          const name = (e.labels && e.labels.length ? e.labels[0].innerText : '') || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' ? e.innerText : '');
          if (!name.trim()) unlabelled.push(e.outerHTML.slice(0, 100));
        }
        return JSON.stringify({path: location.pathname + location.search, client: d.clientWidth, scroll: d.scrollWidth, wide: wide.slice(0, 6),
          unlabelled, lang: d.lang, title: document.title,
          skip: document.querySelector('a.skip[href="#isi"]') !== null && document.getElementById('isi') !== null});
        """

    /// Fits `width`, labels every control, says its language and where one is.
    static func checkPage(_ browser: WebDriver, width: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let json = try #require(try browser.script(checkScript) as? String)
        let page = try JSONDecoder().decode(PageCheck.self, from: Data(json.utf8))
        #expect(page.client == width, "\(page.path): \(page.client) px wide", sourceLocation: sourceLocation)
        #expect(page.scroll <= page.client, "\(page.path) scrolls sideways at \(width) px: \(page.wide)", sourceLocation: sourceLocation)
        #expect(page.unlabelled.isEmpty, "\(page.path) has unlabelled controls: \(page.unlabelled)", sourceLocation: sourceLocation)
        #expect(page.skip, "\(page.path) has no link past the menu for the keyboard", sourceLocation: sourceLocation)
        #expect(
            page.lang == "id" && page.title.hasSuffix("· Seleksi ASN") && page.title.count > 14,
            "\(page.path): \(page.title)",
            sourceLocation: sourceLocation
        )
    }

    /// Fills a form's fields the way typing would leave them (radios and checkboxes by
    /// value); the page's own scripts play no part.
    static func fill(_ browser: WebDriver, _ form: String, _ values: [String: String]) throws {
        let encoded = String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
        let selector = String(decoding: try JSONSerialization.data(withJSONObject: [form]), as: UTF8.self)
        // A click's navigation may still be arriving under load.
        try browser.wait("document.readyState === 'complete' && document.querySelector(\(selector)[0])")
        try browser.script(
            """
            const f = document.querySelector(\(selector)[0]), v = \(encoded);
            for (const [k, val] of Object.entries(v)) {
              const el = f.elements[k];
              if (el instanceof RadioNodeList) { for (const r of el) r.checked = (r.value === val); }
              else if (el.type === 'checkbox') { el.checked = val === '1'; }
              else { el.value = val; }
            }
            """
        )
    }

    /// Signs a staff member in through `/staf/masuk` with the authenticator's code at
    /// `now`; checks that page at `width` when given.
    static func staffSignIn(
        _ browser: WebDriver,
        _ site: String,
        _ username: String,
        _ account: (staff: StaffAccount, password: String, totpSecret: String),
        now: Int64,
        width: Int?
    ) throws {
        try browser.open(site + "/staf/masuk")
        if let width { try checkPage(browser, width: width) }
        try fill(
            browser,
            "form[action='/staf/masuk']",
            ["username": username, "password": account.password, "totp": TOTPCode.current(secret: account.totpSecret, now: now)]
        )
        try browser.click("form[action='/staf/masuk'] button")
    }

    static func text(_ browser: WebDriver) throws -> String { try browser.script("return document.body.innerText;") as? String ?? "" }
    static func html(_ browser: WebDriver) throws -> String { try browser.script("return document.documentElement.outerHTML;") as? String ?? "" }
    static func path(_ browser: WebDriver) throws -> String { try browser.script("return location.pathname + location.search;") as? String ?? "" }

    func journeys(width: Int) async throws {
        guard let browser = try await HandoffEndToEndTests.browser(phoneWidth: width, javascript: false) else { return }
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let portal = try LivePortal(start: start)
        let service = portal.service
        try await service.setPeriod(
            staff: nil,
            SelectionPeriod(
                id: "casn-hp",
                name: "CASN Uji Ponsel",
                registration: Window(opens: start - Self.day, closes: start + 10 * Self.day),
                verification: Window(opens: start - Self.day, closes: start + 20 * Self.day),
                objectionDays: 3,
                exam: Window(opens: start + 30 * Self.day, closes: start + 40 * Self.day),
                announcement: Window(opens: start + 34 * Self.day, closes: start + 60 * Self.day),
                participantPrefix: "26"
            )
        )
        try await service.addAgency(staff: nil, Agency(id: "pemkot-kupang", name: "Pemerintah Kota Kupang"))
        try await service.addFormation(
            staff: nil,
            Formation(
                id: "KPG-ANALIS-SDM-AHLI-PERTAMA-001",
                periodID: "",
                agencyID: "pemkot-kupang",
                position: "Analis Sumber Daya Manusia Aparatur Ahli Pertama",
                unit: "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah",
                location: "Kupang",
                educationLevel: .s1,
                majors: ["Psikologi", "Manajemen Sumber Daya Manusia", "Administrasi Publik"],
                quota: 3,
                type: .general
            )
        )
        try await service.addSlot(
            staff: nil,
            ExamSlot(
                id: "kpg-1",
                periodID: "",
                venue: "UPT BKN Kupang, Ruang CAT Utama",
                location: "Kupang",
                startsAt: start + 31 * Self.day,
                timeZone: .wita,
                sessionNumber: 1,
                capacity: 10
            )
        )
        let admin = try await service.createStaff(username: "admin", role: .admin, agencyID: nil)
        let verifier = try await service.createStaff(username: "verif-kupang", role: .verifier, agencyID: "pemkot-kupang")
        let observer = try await service.createStaff(username: "pengamat", role: .observer, agencyID: nil)
        try await portal.serve()
        let site = "https://127.0.0.1:\(portal.httpsPort)"
        let files = portal.folder + "/unggah"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 1_994) + [0xFF, 0xD9]
        let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 2_000) + Array("\n%%EOF\n".utf8)
        for (name, bytes) in [("foto.jpg", jpeg), ("dokumen.pdf", pdf)] { try Data(bytes).write(to: URL(fileURLWithPath: files + "/" + name)) }

        try await offPool {
            // The applicant finds the formation and is told why sign-in comes first.
            // Every page a visitor reaches without an account.
            for path in ["/", "/hasil", "/masuk", "/lupa-sandi", "/atur-sandi", "/verifikasi-email", "/klaim-nik", "/tidak-ada"] {
                try browser.open(site + path)
                try Self.checkPage(browser, width: width)
            }
            try browser.open(site + "/formasi?q=analis+sumber&location=kupang")
            try Self.checkPage(browser, width: width)
            try browser.click("a.button[href^='/lamaran?formasi=']")
            #expect(try Self.text(browser).contains("Untuk melamar formasi KPG-ANALIS-SDM-AHLI-PERTAMA-001, masuk dulu"))
            try Self.checkPage(browser, width: width)

            // A new account: a refused sign-up keeps what was typed (passwords aside).
            try browser.open(site + "/daftar")
            try Self.checkPage(browser, width: width)
            var signUp = [
                "nik": "5371014101990001", "kk": "5371010101100001", "name": "Maria Ndolu", "birthPlace": "Kupang", "birthDate": "1999-01-01",
                "sex": "P", "email": "maria@contoh.id", "phone": "081234567890", "password": "password12", "password2": "password12",
            ]
            try Self.fill(browser, "form[action='/daftar']", signUp)
            try browser.click("form[action='/daftar'] button")
            var text = try Self.text(browser)
            #expect(text.contains("Kata sandi ini terlalu umum"), "\(text)")
            #expect(try Self.html(browser).contains(#"value="Maria Ndolu""#))
            try Self.checkPage(browser, width: width)
            signUp["password"] = "garam-dan-madu-42"
            signUp["password2"] = "garam-dan-madu-42"
            try Self.fill(browser, "form[action='/daftar']", signUp)
            try browser.click("form[action='/daftar'] button")
            #expect(try Self.path(browser).hasPrefix("/verifikasi-email"))
            try Self.checkPage(browser, width: width)
            return ()
        }
        // The mail is still in the outbox, or already delivered to the mail folder.
        var body = try await service.store.pendingMail(limit: 100).last { $0.to == "maria@contoh.id" }?.body
        if body == nil {
            let folder = portal.folder + "/mail"
            body = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().compactMap {
                try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
            }.last { $0.hasPrefix("To: maria@contoh.id\n") }
        }
        let mailed = try #require(body, "no mail to maria@contoh.id")
        let code = String(try #require(mailed.firstMatch(of: /: (\d{6})/)).1)
        try await offPool {
            try Self.fill(browser, "form[action='/verifikasi-email']", ["email": "maria@contoh.id", "code": code])
            try browser.click("form[action='/verifikasi-email'] button")
            #expect(try Self.text(browser).contains("Email terverifikasi"))
            try Self.fill(browser, "form[action='/masuk']", ["login": "maria@contoh.id", "password": "garam-dan-madu-42"])
            try browser.click("form[action='/masuk'] button")
            // The formation chosen before the account existed is still chosen.
            #expect(try Self.path(browser) == "/lamaran")
            var text = try Self.text(browser)
            #expect(text.contains("Formasi yang dipilih: Analis Sumber Daya Manusia Aparatur Ahli Pertama"), "\(text)")
            try Self.checkPage(browser, width: width)

            // One wrong field: everything typed stays, the field says what is wrong.
            let application = [
                "level": "S1", "major": "Psikologi", "diplomaNumber": "UNDANA/2021/0042", "gpa": "4,52", "graduationYear": "2021", "testLocation": "Kupang",
            ]
            try Self.fill(browser, "form[action='/lamaran']", application)
            try browser.click("form[action='/lamaran'] button")
            let refused = try Self.html(browser)
            for kept in [#"value="KPG-ANALIS-SDM-AHLI-PERTAMA-001""#, #"value="Psikologi""#, #"value="UNDANA/2021/0042""#, #"value="4,52""#] {
                #expect(refused.contains(kept), "\(kept) was not kept")
            }
            #expect(refused.contains(#"id="gpa-error""#))
            try Self.checkPage(browser, width: width)
            try Self.fill(browser, "form[action='/lamaran']", ["gpa": "3,52"])
            try browser.click("form[action='/lamaran'] button")
            #expect(try Self.text(browser).contains("Lamaran tersimpan"))
            try Self.checkPage(browser, width: width)

            // Each document by its own labelled form; each upload says it arrived.
            for (kind, file) in [("foto", "foto.jpg"), ("swafoto", "foto.jpg"), ("ktp", "foto.jpg"), ("ijazah", "dokumen.pdf"), ("transkrip", "dokumen.pdf")] {
                let form = "form[action='/lamaran/dokumen?jenis=\(kind)']"
                try browser.type(form + " input[type=file]", files + "/" + file)
                try browser.click(form + " button")
                #expect(try Self.text(browser).contains("terunggah"), "\(kind)")
            }
            try Self.checkPage(browser, width: width)
            try browser.click("form[action='/lamaran/akhiri'] input[name=confirm]")
            try browser.click("form[action='/lamaran/akhiri'] button")
            text = try Self.text(browser)
            #expect(text.contains("Pendaftaran sudah diakhiri") && text.contains("menunggu verifikasi"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.open(site + "/kartu-pendaftaran")
            try Self.checkPage(browser, width: width)
            try browser.click("header form[action='/keluar'] button")
            return ()
        }

        // The verifier, on the same phone.
        try await offPool {
            try Self.staffSignIn(browser, site, "verif-kupang", verifier, now: start, width: width)
            try browser.open(site + "/staf/verifikasi")
            try Self.checkPage(browser, width: width)
            try browser.click("a[href^='/staf/verifikasi/']")
            var text = try Self.text(browser)
            #expect(text.contains("Maria Ndolu") && text.contains("1 Januari 1999") && text.contains("3,52") && text.contains("verifikator"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.click("input[name=result][value=MS]")
            try browser.click("form[action$='/keputusan'] button")
            text = try Self.text(browser)
            #expect(text.contains("Hasil: MS"), "\(text)")
            try browser.click("header form[action='/keluar'] button")
            return ()
        }

        // The committee admin, once registration has closed.
        var period = try await service.period()
        period.registration.closes = start - 1
        try await service.setPeriod(staff: nil, period)
        try await offPool {
            try Self.staffSignIn(browser, site, "admin", admin, now: start, width: nil)
            try browser.open(site + "/staf/panitia")
            try Self.checkPage(browser, width: width)
            try browser.click("form[action='/staf/panitia/umumkan'] button")
            var text = try Self.text(browser)
            #expect(text.contains("mencakup 1 lamaran yang diakhiri: 1 MS dan 0 TMS"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.click("#konfirmasi-umumkan button")
            text = try Self.text(browser)
            #expect(text.contains("Hasil administrasi diumumkan"), "\(text)")
            try browser.click("form[action='/staf/panitia/jadwalkan'] button")
            text = try Self.text(browser)
            #expect(text.contains("1 peserta mendapat nomor"), "\(text)")
            try Self.checkPage(browser, width: width)
            // Every other page of the committee, at the same width.
            for path in [
                "/staf/panitia/jadwal", "/staf/panitia/instansi", "/staf/panitia/formasi", "/staf/panitia/formasi/ubah", "/staf/panitia/sesi",
                "/staf/panitia/sesi/ubah", "/staf/panitia/node", "/staf/panitia/hasil", "/staf/klaim", "/staf/verifikasi",
            ] {
                try browser.open(site + path)
                try Self.checkPage(browser, width: width)
            }
            try browser.click("header form[action='/keluar'] button")

            // The observer's pages.
            try Self.staffSignIn(browser, site, "pengamat", observer, now: start, width: nil)
            try browser.open(site + "/staf/pengamat")
            #expect(try Self.text(browser).contains("pengamat"))
            try Self.checkPage(browser, width: width)
            try browser.click("header form[action='/keluar'] button")

            // The applicant's exam card: Kupang's time in WITA, on the phone.
            try browser.open(site + "/masuk")
            try Self.fill(browser, "form[action='/masuk']", ["login": "maria@contoh.id", "password": "garam-dan-madu-42"])
            try browser.click("form[action='/masuk'] button")
            #expect(try Self.text(browser).contains("MS"))
            try browser.open(site + "/kartu-ujian")
            text = try Self.text(browser)
            #expect(text.contains("WITA") && !text.contains("WIB") && text.contains("Hadir paling lambat"), "\(text)")
            try Self.checkPage(browser, width: width)
            return ()
        }
        await portal.stop()
    }
}
