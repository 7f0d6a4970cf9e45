import Foundation
import Registration
import SeleksiAuth
import SeleksiCore
import Testing

/// The portal as people meet it: headless Chromium at a phone's width with JavaScript
/// off, and on a desktop with JavaScript on, through every journey by its own forms: the
/// applicant from the home page to the exam card, a NIK claim and its decision, the
/// verifier, the committee admin, the observer with a session's results and the public
/// board. Every page fits the screen (no sideways scrolling), every control is labelled,
/// a refused form keeps what was typed, every action says what happened, and the keyboard
/// alone reaches every control (with a visible focus ring) and signs in to the exam card.
/// (Run within the serialized end-to-end suite: a browser beside the crash tests would
/// compete with their timing.)
extension EndToEndTests {
    @Test(
        "applicant, claimant, verifier, committee admin and observer through the pages; by keyboard too",
        arguments: [PortalPhoneBrowser.Screen(width: 360, phone: true), .init(width: 412, phone: true), .init(width: 1280, phone: false)]
    )
    func portalInBrowser(screen: PortalPhoneBrowser.Screen) async throws { try await PortalPhoneBrowser().journeys(screen) }
}

struct PortalPhoneBrowser {
    typealias LivePortal = HandoffEndToEndTests.LivePortal
    static let day: Int64 = 86_400_000

    /// A phone (JavaScript off, touch) or a desktop window (JavaScript on, scroll bars).
    struct Screen: Sendable, CustomTestStringConvertible {
        let width: Int
        let phone: Bool
        var testDescription: String { phone ? "ponsel \(width) px, JavaScript mati" : "desktop \(width) px, JavaScript hidup" }
    }

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
            const name = e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');
            if (r.right > d.clientWidth + 1) wide.push(name + ' ' + Math.round(r.right) + 'px');
            // Text that overflows its own box (a long number in a heading) widens the page too.
            else if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0) wide.push(name + ' content ' + e.scrollWidth + 'px');
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
        // A desktop's vertical scroll bar takes its own width.
        #expect((width - 20...width).contains(page.client), "\(page.path): \(page.client) px wide", sourceLocation: sourceLocation)
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
    /// value; a file input that shares the name is left to `type`); the page's own
    /// scripts play no part.
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
              for (const x of (el instanceof RadioNodeList ? [...el] : [el])) {
                if (x.type === 'radio') x.checked = (x.value === val);
                else if (x.type === 'checkbox') x.checked = val === '1';
                else if (x.type !== 'file') x.value = val;
              }
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
        try browser.submit("form[action='/staf/masuk'] button")
        // The next page opened must not race the sign-in's own navigation (it once did on
        // a loaded CI machine: the first page after it showed signed out).
        do {
            try browser.wait("location.pathname !== '/staf/masuk' && document.readyState === 'complete'", seconds: 20)
        } catch {
            throw WebDriver.Failure(message: "\(username) not signed in: \(try path(browser)) \(try text(browser))")
        }
    }

    static func text(_ browser: WebDriver) throws -> String { try browser.script("return document.body.innerText;") as? String ?? "" }
    static func html(_ browser: WebDriver) throws -> String { try browser.script("return document.documentElement.outerHTML;") as? String ?? "" }
    static func path(_ browser: WebDriver) throws -> String { try browser.script("return location.pathname + location.search;") as? String ?? "" }

    /// The focused element, described, and whether it shows a focus ring.
    struct Focus: Decodable {
        let at: String
        let ring: Bool
        let index: Int
    }

    static let focusScript = """
        const e = document.activeElement;
        if (!e || e === document.body || e === document.documentElement) return JSON.stringify({at: 'body', ring: false, index: -1});
        const s = getComputedStyle(e);
        const at = e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + (e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : '') + ' ' + (e.innerText || e.value || '').trim().slice(0, 40);
        return JSON.stringify({at, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, index: Number(e.dataset.tab ?? -1)});
        """

    static func focus(_ browser: WebDriver) throws -> Focus {
        let json = try #require(try browser.script(focusScript) as? String)
        return try JSONDecoder().decode(Focus.self, from: Data(json.utf8))
    }

    /// Presses Tab until the focused element satisfies `condition` (JavaScript of `e`),
    /// each element on the way showing its focus ring.
    static func tab(_ browser: WebDriver, to condition: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for _ in 0..<60 {
            try browser.press(WebDriver.tab)
            let focus = try focus(browser)
            #expect(focus.ring || focus.at == "body", "\(focus.at) has no visible focus ring", sourceLocation: sourceLocation)
            if try browser.script("const e = document.activeElement; return Boolean(\(condition));") as? Bool == true { return }
        }
        Issue.record("Tab never reached \(condition) on \(try path(browser))", sourceLocation: sourceLocation)
    }

    /// Tabs through the whole page from its top (just loaded, nothing focused): every
    /// control that can take focus (one radio per group) is reached in turn, in the order
    /// of the page, each with a visible focus ring.
    static func tabThrough(_ browser: WebDriver, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try #require(
            try browser.script(
                """
                const all = [];
                for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
                  if (e.disabled || e.tabIndex < 0 || !e.getClientRects().length) continue;
                  if (e.type === 'radio') {
                    const group = e.form ? e.form.elements[e.name] : [e];
                    const checked = [...group].find(r => r.checked);
                    if (checked ? checked !== e : group[0] !== e) continue;
                  }
                  e.dataset.tab = all.length; all.push(e.tagName.toLowerCase() + ' ' + (e.name || e.getAttribute('href') || e.innerText.trim()));
                }
                window.scrollTo(0, 0);
                return JSON.stringify(all);
                """
            ) as? String
        )
        let controls = try JSONDecoder().decode([String].self, from: Data(expected.utf8))
        var reached: [Int] = []
        for _ in 0..<(controls.count + 5) {
            try browser.press(WebDriver.tab)
            let focus = try focus(browser)
            if focus.index < 0 || reached.contains(focus.index) { break }
            #expect(focus.ring, "\(focus.at) has no visible focus ring", sourceLocation: sourceLocation)
            reached.append(focus.index)
        }
        let page = try path(browser)
        #expect(reached == Array(controls.indices), "\(page): Tab reached \(reached.map { controls[$0] }) of \(controls)", sourceLocation: sourceLocation)
    }

    func journeys(_ screen: Screen) async throws {
        let width = screen.width
        guard
            let browser = try await HandoffEndToEndTests.browser(
                phoneWidth: screen.phone ? width : nil,
                desktopWidth: screen.phone ? nil : width,
                javascript: !screen.phone
            )
        else { return }
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
            try browser.submit("a.button[href^='/lamaran?formasi=']")
            #expect(
                try Self.text(browser).contains(
                    "Untuk melamar formasi Analis Sumber Daya Manusia Aparatur Ahli Pertama (KPG-ANALIS-SDM-AHLI-PERTAMA-001), masuk dulu"
                )
            )
            try Self.checkPage(browser, width: width)

            // A new account from there: a refused sign-up keeps what was typed (passwords aside).
            try browser.submit("a[href^='/daftar?lanjut=']")
            try Self.checkPage(browser, width: width)
            var signUp = [
                "nik": "5371014101990001", "kk": "5371010101100001", "name": "Maria Ndolu", "birthPlace": "Kupang", "birthDate": "1999-01-01",
                "sex": "P", "email": "maria@contoh.id", "phone": "081234567890", "password": "password12", "password2": "password12",
            ]
            try Self.fill(browser, "form[action='/daftar']", signUp)
            try browser.submit("form[action='/daftar'] button")
            let text = try Self.text(browser)
            #expect(text.contains("Kata sandi ini terlalu umum"), "\(text)")
            #expect(try Self.html(browser).contains(#"value="Maria Ndolu""#))
            try Self.checkPage(browser, width: width)
            signUp["password"] = "garam-dan-madu-42"
            signUp["password2"] = "garam-dan-madu-42"
            try Self.fill(browser, "form[action='/daftar']", signUp)
            try browser.submit("form[action='/daftar'] button")
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
            try browser.submit("form[action='/verifikasi-email'] button")
            #expect(try Self.text(browser).contains("Email terverifikasi"))
            try Self.fill(browser, "form[action='/masuk']", ["login": "maria@contoh.id", "password": "garam-dan-madu-42"])
            try browser.submit("form[action='/masuk'] button")
            // The formation chosen before the account existed is still chosen.
            #expect(try Self.path(browser) == "/lamaran?formasi=KPG-ANALIS-SDM-AHLI-PERTAMA-001")
            var text = try Self.text(browser)
            #expect(text.contains("Formasi yang dipilih: Analis Sumber Daya Manusia Aparatur Ahli Pertama"), "\(text)")
            try Self.checkPage(browser, width: width)

            // One wrong field: everything typed stays, the field says what is wrong.
            let application = [
                "level": "S1", "major": "Psikologi", "diplomaNumber": "UNDANA/2021/0042", "gpa": "4,52", "graduationYear": "2021", "testLocation": "Kupang",
            ]
            try Self.fill(browser, "form[action='/lamaran']", application)
            try browser.submit("form[action='/lamaran'] button")
            let refused = try Self.html(browser)
            for kept in [#"value="KPG-ANALIS-SDM-AHLI-PERTAMA-001""#, #"value="Psikologi""#, #"value="UNDANA/2021/0042""#, #"value="4,52""#] {
                #expect(refused.contains(kept), "\(kept) was not kept")
            }
            #expect(refused.contains(#"id="gpa-error""#))
            try Self.checkPage(browser, width: width)
            try Self.fill(browser, "form[action='/lamaran']", ["gpa": "3,52"])
            try browser.submit("form[action='/lamaran'] button")
            #expect(try Self.text(browser).contains("Lamaran tersimpan"))
            try Self.checkPage(browser, width: width)
            // The keyboard alone reaches every field and every document's form.
            try browser.open(site + "/lamaran")
            try Self.tabThrough(browser)

            // Each document by its own labelled form; each upload says it arrived.
            for (kind, file) in [("foto", "foto.jpg"), ("swafoto", "foto.jpg"), ("ktp", "foto.jpg"), ("ijazah", "dokumen.pdf"), ("transkrip", "dokumen.pdf")] {
                let form = "form[action='/lamaran/dokumen?jenis=\(kind)']"
                try browser.type(form + " input[type=file]", files + "/" + file)
                try browser.submit(form + " button")
                #expect(try Self.text(browser).contains("terunggah"), "\(kind)")
            }
            try Self.checkPage(browser, width: width)
            try browser.click("form[action='/lamaran/akhiri'] input[name=confirm]")
            try browser.submit("form[action='/lamaran/akhiri'] button")
            text = try Self.text(browser)
            #expect(text.contains("Pendaftaran sudah diakhiri") && text.contains("menunggu verifikasi"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.open(site + "/kartu-pendaftaran")
            try Self.checkPage(browser, width: width)
            try browser.submit("header form[action='/keluar'] button")
            return ()
        }

        // Someone says the NIK is theirs: a claim with the KTP and KK scans, no account needed.
        try await offPool {
            try browser.open(site + "/klaim-nik")
            try Self.fill(
                browser,
                "form[action='/klaim-nik']",
                [
                    "nik": "5371014101990001", "kk": "5371010101100009", "name": "Maria Ndolu", "birthPlace": "Kupang", "birthDate": "1999-01-01",
                    "sex": "P", "email": "maria.ndolu@contoh.id", "phone": "081298765432",
                    "statement": "Saya tidak pernah membuat akun dengan NIK ini; saya baru hendak mendaftar.",
                ]
            )
            for kind in ["ktp", "kk"] { try browser.type("form[action='/klaim-nik'] input[type=file][name=\(kind)]", files + "/foto.jpg") }
            try browser.submit("form[action='/klaim-nik'] button")
            let text = try Self.text(browser)
            #expect(text.contains("Klaim diterima"), "\(text)")
            try Self.checkPage(browser, width: width)
            return ()
        }

        // The verifier, on the same phone: the claim compared and refused, then the application.
        try await offPool {
            try Self.staffSignIn(browser, site, "verif-kupang", verifier, now: start, width: width)
            try browser.open(site + "/staf/klaim")
            #expect(try Self.text(browser).contains("menunggu keputusan"))
            try Self.checkPage(browser, width: width)
            try browser.submit("a[href^='/staf/klaim/']")
            var text = try Self.text(browser)
            #expect(text.contains("5371010101100009") && text.contains("5371010101100001") && text.contains("Kartu Keluarga"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.click("input[name=decision][value=tolak]")
            try Self.fill(browser, "form[action$='/keputusan']", ["note": "Nomor KK pemohon tidak sama dengan KK pada akun; pindaian KTP tidak terbaca."])
            try browser.submit("form[action$='/keputusan'] button")
            text = try Self.text(browser)
            #expect(text.contains("ditolak"), "\(text)")
            try Self.checkPage(browser, width: width)

            try browser.open(site + "/staf/verifikasi")
            try Self.checkPage(browser, width: width)
            try browser.submit("a[href^='/staf/verifikasi/']")
            text = try Self.text(browser)
            #expect(text.contains("Maria Ndolu") && text.contains("1 Januari 1999") && text.contains("3,52") && text.contains("verifikator"), "\(text)")
            try Self.checkPage(browser, width: width)
            try Self.tabThrough(browser)
            try Self.fill(browser, "form[action$='/keputusan']", ["result": "MS"])
            try browser.submit("form[action$='/keputusan'] button")
            text = try Self.text(browser)
            let decided = try Self.path(browser)
            #expect(text.contains("Hasil: MS"), "\(screen) \(decided) \(text)")
            try browser.submit("header form[action='/keluar'] button")
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
            try browser.submit("form[action='/staf/panitia/umumkan'] button")
            var text = try Self.text(browser)
            #expect(text.contains("mencakup 1 lamaran yang diakhiri: 1 MS dan 0 TMS"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.submit("#konfirmasi-umumkan button")
            text = try Self.text(browser)
            #expect(text.contains("Hasil administrasi diumumkan"), "\(text)")
            try browser.submit("form[action='/staf/panitia/jadwalkan'] button")
            text = try Self.text(browser)
            #expect(text.contains("1 peserta mendapat nomor"), "\(text)")
            try Self.checkPage(browser, width: width)
            // Every other page of the committee, at the same width.
            for path in [
                "/staf/panitia/jadwal", "/staf/panitia/instansi", "/staf/panitia/formasi", "/staf/panitia/formasi/ubah", "/staf/panitia/sesi",
                "/staf/panitia/sesi/ubah", "/staf/panitia/node", "/staf/panitia/hasil", "/staf/panitia/wawancara", "/staf/klaim", "/staf/verifikasi",
            ] {
                try browser.open(site + path)
                try Self.checkPage(browser, width: width)
            }
            try browser.submit("header form[action='/keluar'] button")
            return ()
        }

        // The exam on the node in Kupang: its signed results package comes back (as the
        // node would send it), and the committee announces the ranking.
        let nodeKey = try SigningKey.loadOrCreate(path: portal.folder + "/node.key")
        _ = try await service.registerNode(
            staff: admin.staff,
            RegisteredNode(id: "node-kupang", venues: ["UPT BKN Kupang, Ruang CAT Utama"], url: "https://127.0.0.1:9", publicKey: nodeKey.publicKey.text)
        )
        let stored = try await service.rosterPackage(staff: admin.staff, nodeID: "node-kupang")
        let roster = try JSONDecoder().decode(RosterPackage.self, from: SignedEnvelope.decode(stored.envelope, maximumBytes: .max).payload)
        let session = try #require(roster.sessions.first)
        let number = try #require(session.participants.first?.participantNumber)
        let opened = session.scheduledStart + 300_000
        let finished = opened + 95 * 60_000 + 7_000
        let sheet = ScoreSheet(
            subtests: [
                SubtestScore(subtest: "TWK", score: 95, maximum: 150, answered: 30, items: 30),
                SubtestScore(subtest: "TIU", score: 110, maximum: 175, answered: 35, items: 35),
                SubtestScore(subtest: "TKP", score: 180, maximum: 225, answered: 45, items: 45),
            ],
            formationType: .general,
            decision: .passed
        )
        // With scripts on (desktop): the session's live page shows her score as the node
        // sends it, and takes it down when a withdrawal follows (she was disqualified after
        // finishing), both without a reload.
        if !screen.phone {
            let scores = sheet.subtests.reduce(into: [String: Int]()) { $0[$1.subtest] = $1.score }
            @Sendable func send(withdrawn: Bool) throws {
                let batch = LiveScores(
                    periodID: "casn-hp",
                    nodeID: "node-kupang",
                    entries: [
                        LiveScores.Entry(
                            sessionID: session.id,
                            participantNumber: number,
                            scores: scores,
                            total: 385,
                            passed: true,
                            finishedAt: finished,
                            withdrawn: withdrawn ? true : nil
                        )
                    ]
                )
                let file = portal.folder + "/nilai-langsung.json"
                try batch.sealed(with: nodeKey).write(to: URL(fileURLWithPath: file))
                let answer = try runCurl(["-sk", "-X", "POST", "--data-binary", "@" + file, site + "/api/node/scores", "--max-time", "5"])
                #expect(answer.contains("\"accepted\":1"), "\(answer)")
            }
            try await offPool {
                try browser.open(site + "/langsung/" + session.id)
                try browser.wait("document.getElementById('status').textContent.startsWith('0 peserta selesai')")
                try Self.checkPage(browser, width: width)
                try send(withdrawn: false)
                try browser.wait(
                    "(() => { const rows = document.getElementById('nilai').tBodies[0].rows; return rows.length === 1 && rows[0].textContent.includes('Maria Ndolu') && rows[0].textContent.includes('385'); })()",
                    seconds: 20
                )
                try send(withdrawn: true)
                try browser.wait(
                    "document.getElementById('nilai').tBodies[0].rows.length === 0 && document.getElementById('status').textContent.startsWith('0 peserta selesai')",
                    seconds: 20
                )
                let navigation = try browser.script("return performance.getEntriesByType('navigation')[0].type;") as? String
                #expect(navigation == "navigate", "the live page was reloaded")
                // A reader who comes later sees neither.
                try browser.open(site + "/langsung/" + session.id)
                #expect(!(try Self.text(browser)).contains("Maria Ndolu"))
                return ()
            }
        }
        let results = ResultsPackage(
            periodID: "casn-hp",
            nodeID: "node-kupang",
            sessionID: session.id,
            venue: session.venue,
            ruleSetID: session.ruleSetID,
            rosterVersion: roster.version,
            openedAt: opened,
            closedAt: finished + 60_000,
            candidates: [
                ResultsPackage.Candidate(
                    participantNumber: number,
                    status: .finished,
                    reason: nil,
                    startedAt: opened + 60_000,
                    finishedAt: finished,
                    score: sheet,
                    paperFingerprint: String(repeating: "c", count: 64),
                    answerLog: []
                )
            ],
            audit: [
                ResultsPackage.AuditLine(at: opened, actor: "pengawas", action: "session-open", participantNumber: nil, details: ""),
                ResultsPackage.AuditLine(at: finished, actor: number, action: "attempt-finish", participantNumber: number, details: ""),
            ]
        )
        portal.clock.set(finished + 3_600_000)
        _ = try await service.importResults(SignedEnvelope.seal(kind: ResultsPackage.kind, payload: results.encoded(), key: nodeKey).encoded(), .fromNode)
        portal.clock.set(start + 35 * Self.day)
        _ = try await service.publishSKD(staff: admin.staff, publishAt: nil)
        portal.clock.advance(seconds: 2)
        let now = portal.clock.nowMilliseconds()

        try await offPool {
            // The committee's node and results pages, with a node and its results.
            try Self.staffSignIn(browser, site, "admin", admin, now: now, width: nil)
            for path in ["/staf/panitia/node", "/staf/panitia/hasil"] {
                try browser.open(site + path)
                let (text, shown) = (try Self.text(browser), try Self.path(browser))
                #expect(text.contains("node-kupang"), "\(path): \(shown) \(text)")
                try Self.checkPage(browser, width: width)
            }
            try browser.submit("header form[action='/keluar'] button")

            // The observer: the session's progress, its node's audit log in Kupang's time,
            // and the published score checked against the signed package.
            try Self.staffSignIn(browser, site, "pengamat", observer, now: now, width: nil)
            try browser.open(site + "/staf/pengamat")
            var text = try Self.text(browser)
            #expect(text.contains("selesai 1") && text.contains("node-kupang"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.submit("a[href='/staf/pengamat/sesi/kpg-1']")
            text = try Self.text(browser)
            #expect(text.contains(IndonesianDate.timestamp(opened, in: .wita)) && text.contains("membuka sesi") && !text.contains("WIB"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.open(site + "/staf/pengamat")
            try Self.fill(browser, "form[action='/staf/pengamat']", ["nomor": number])
            try browser.submit("form[action='/staf/pengamat'] button")
            text = try Self.text(browser)
            #expect(text.contains("total 385") && text.contains("Cocok dengan paket hasil bertanda tangan node"), "\(text)")
            try Self.checkPage(browser, width: width)
            try browser.submit("header form[action='/keluar'] button")

            // The public board with her row, and a search for her number.
            try browser.open(site + "/hasil")
            try Self.checkPage(browser, width: width)
            try Self.fill(browser, "form.filters", ["q": number])
            try browser.submit("form.filters button")
            text = try Self.text(browser)
            #expect(text.contains("Maria Ndolu") && text.contains("385"), "\(text)")
            try Self.checkPage(browser, width: width)

            // By keyboard alone: past the menu, signed in, to the exam card (Kupang's time in WITA).
            try browser.open(site + "/masuk")
            try browser.press(WebDriver.tab)
            #expect(try Self.focus(browser).at.hasPrefix("a[href=#isi]"))
            try browser.press(WebDriver.enter)
            try Self.tab(browser, to: "e.name === 'login'")
            try browser.press("maria@contoh.id")
            try Self.tab(browser, to: "e.name === 'password'")
            try browser.press("garam-dan-madu-42" + WebDriver.enter)
            try browser.wait("location.pathname === '/lamaran'")
            #expect(try Self.text(browser).contains("MS"))
            try Self.tab(browser, to: "e.getAttribute('href') === '/kartu-ujian'")
            try browser.press(WebDriver.enter)
            try browser.wait("location.pathname === '/kartu-ujian'")
            text = try Self.text(browser)
            #expect(text.contains("WITA") && !text.contains("WIB") && text.contains("Hadir paling lambat"), "\(text)")
            try Self.checkPage(browser, width: width)
            return ()
        }
        await portal.stop()
    }
}
