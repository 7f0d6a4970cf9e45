import Foundation
import SeleksiAuth
import SeleksiCore
import Testing

/// Missing tools skip a test locally, with the reason printed; under CI (`CI=true`,
/// where .ci/run installs them) they fail it.
func requireTools(_ tools: [String: String?]) -> Bool {
    let missing = tools.filter { $0.value == nil }.map(\.key).sorted()
    guard !missing.isEmpty else { return true }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        Issue.record("missing under CI: \(missing.joined(separator: ", ")) (.ci/run installs them)")
    } else {
        print("skipped: \(missing.joined(separator: ", ")) not installed (.ci/run lists how each is installed)")
    }
    return false
}

extension EndToEndTests {
    @Test(
        "exam page in headless Chromium: log in, answer, survive a network drop with the unsaved answer shown as unsaved, then save it, finish, see the score"
    )
    func examPage() throws {
        let chromium = which("chromium")
        let chromedriver = which("chromedriver")
        guard requireTools(["chromium": chromium, "chromedriver": chromedriver, "curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let pin = try #require(node.printed.firstMatch(of: /PIN sesi (\d{6})/)?.1).description
        let browser = try WebDriver(chromium: chromium!, chromedriver: chromedriver!)

        try browser.open("https://127.0.0.1:\(node.httpsPort)/")
        try browser.wait("document.getElementById('login-form')")
        try browser.script(
            """
            const form = document.getElementById('login-form');
            form.participantNumber.value = '2024000001'; form.pin.value = '\(pin)'; form.accessCode.value = '\(try node.accessCode("2024000001"))';
            """
        )
        try browser.click("#login-form button[type=submit]")
        try browser.wait("!document.getElementById('exam-view').hidden")
        try browser.wait("document.getElementById('clock').textContent.startsWith('Sisa ')")
        let token = try #require(try browser.script("return sessionStorage.getItem('token');") as? String)
        let device = try #require(try browser.script("return localStorage.getItem('device');") as? String)

        // An answer, saved and shown as saved.
        try browser.click("#item-options input")
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')")
        try browser.wait("document.querySelector('#grid .cell').classList.contains('answered')")
        #expect(try serverAnswers(node, token, device: device) == 1)

        // A figural item: its figures are fetched with the token and shown (blob: URLs), each
        // with its alt text; a formula is MathML. Then back to the second item.
        let figural = try #require(try browser.script("return paper.items.findIndex(i => (i.images || []).length > 0);") as? Int)
        #expect(figural >= 0)
        try browser.script("show(\(figural));")
        try browser.wait(
            "[...document.querySelectorAll('#item-stem img, #item-options img')].every(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0 && i.alt.length > 0)"
        )
        let figures = try browser.script("return document.querySelectorAll('#item-stem img, #item-options img').length;") as? Int
        #expect((figures ?? 0) >= 1)
        let picture = NSTemporaryDirectory() + "seleksi-soal-figural.png"
        try browser.screenshot().write(to: URL(fileURLWithPath: picture))
        print("figural item as the candidate sees it: \(picture)")
        // An item of a shared passage shows the passage above its stem, titled with every
        // item of the paper that uses it; an item without one shows none.
        let reading = try #require(try browser.script("return paper.items.findIndex(i => i.passage);") as? Int)
        #expect(reading >= 0, "the demo paper has no passage item")
        try browser.script("show(\(reading));")
        try browser.wait(
            "!document.getElementById('item-passage').hidden && document.getElementById('passage-title').textContent.startsWith('Bacaan untuk soal') && document.getElementById('passage-text').textContent.trim().length > 40"
        )
        let title = try browser.script("return document.getElementById('passage-title').textContent;") as? String ?? ""
        let number = try browser.script("return paper.items[\(reading)].number;") as? Int ?? -1
        #expect(title == "Bacaan untuk soal ini" || title.contains(" \(number)"), "\(title)")
        try browser.screenshot().write(to: URL(fileURLWithPath: NSTemporaryDirectory() + "seleksi-soal-bacaan.png"))
        try browser.script("show(0);")
        #expect(try browser.script("return document.getElementById('item-passage').hidden;") as? Bool == true)

        // The network drops: the next answer stays queued, visibly unsaved.
        try browser.script("window.realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('jaringan putus'));")
        try browser.click("#next")
        try browser.click("#item-options input")
        try browser.wait("document.getElementById('status').textContent.includes('BELUM tersimpan')")
        try browser.wait("document.querySelectorAll('#grid .cell')[1].classList.contains('unsaved')")
        #expect(try serverAnswers(node, token, device: device) == 1)
        // Finishing is refused while an answer is unsaved.
        try browser.script("window.confirm = () => true;")
        try browser.click("#finish")
        try browser.wait("document.getElementById('status').textContent.includes('Tunggu sampai semua jawaban tersimpan')")

        // The network returns: the queue drains in order and the mark goes.
        try browser.script("window.fetch = window.realFetch; window.dispatchEvent(new Event('online'));")
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')", seconds: 30)
        try browser.wait("!document.querySelectorAll('#grid .cell')[1].classList.contains('unsaved')")
        #expect(try serverAnswers(node, token, device: device) == 2)

        // Finish, confirm, and the score screen.
        try browser.click("#finish")
        try browser.wait("!document.getElementById('score-view').hidden")
        let total = try browser.script("return document.getElementById('score-total').textContent;") as? String
        #expect(total?.hasSuffix("dari 550") == true)
    }

    @Test(
        "exam page with the keyboard and a screen reader: the choice keeps focus through its save and the refresh, the grid is a list of buttons saying their state, both marks show, a reload keeps the item, time is not read every second, the login form posts"
    )
    func accessiblePage() throws {
        let chromium = which("chromium")
        let chromedriver = which("chromedriver")
        guard requireTools(["chromium": chromium, "chromedriver": chromedriver, "curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let pin = try #require(node.printed.firstMatch(of: /PIN sesi (\d{6})/)?.1).description
        let browser = try WebDriver(chromium: chromium!, chromedriver: chromedriver!)
        try browser.open("https://127.0.0.1:\(node.httpsPort)/")
        try browser.wait("document.getElementById('login-form')")
        // Without the script the form posts: nothing would land in a URL.
        #expect(try browser.script("return document.getElementById('login-form').method;") as? String == "post")
        try browser.script(
            """
            const form = document.getElementById('login-form');
            form.participantNumber.value = '2024000001'; form.pin.value = '\(pin)'; form.accessCode.value = '\(try node.accessCode("2024000001"))';
            """
        )
        try browser.click("#login-form button[type=submit]")
        try browser.wait("!document.getElementById('exam-view').hidden")
        // The countdown is not a live region; announcements have their own.
        #expect(try browser.script("return document.getElementById('clock').getAttribute('aria-live');") as? String == nil)
        #expect(try browser.script("return document.getElementById('announce').getAttribute('aria-live');") as? String == "polite")

        // A choice made with the keyboard keeps focus through its save and a refresh.
        try browser.script("document.querySelectorAll('#item-options input')[1].focus();")
        try browser.type("#item-options label:nth-of-type(2) input", " ")
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')")
        try browser.script("refresh();")
        try browser.wait("document.querySelector('#grid button').classList.contains('answered')")
        let focused = try browser.script(
            "return document.activeElement === document.querySelectorAll('#item-options input')[1] && document.activeElement.checked;"
        )
        #expect(focused as? Bool == true)

        // The grid: a list of buttons, each saying its state in words; both marks show.
        #expect(try browser.script("return document.querySelectorAll('#grid li > button.cell').length;") as? Int == 110)
        try browser.click("#item-doubt")
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')")
        let first = try browser.script("return document.querySelector('#grid button').getAttribute('aria-label');") as? String
        #expect(first == "Soal 1: dijawab, ragu-ragu", "\(first ?? "-")")
        #expect(
            try browser.script("const c = document.querySelector('#grid button').classList; return c.contains('answered') && c.contains('doubtful');") as? Bool
                == true
        )
        #expect(try browser.script("return document.querySelector('#grid button').getAttribute('aria-current');") as? String == "true")

        // A reload keeps the item the candidate is on.
        try browser.click("#grid li:nth-child(6) button")
        try browser.wait("document.getElementById('item-title').textContent.startsWith('Soal 6 ')")
        try browser.script("window.sebelumMuatUlang = true; location.reload();")
        try browser.wait(
            "!window.sebelumMuatUlang && document.getElementById('item-title') && document.getElementById('item-title').textContent.startsWith('Soal 6 ')"
        )

        // Time left is read out once at a mark, not every second.
        try browser.script("document.getElementById('announce').textContent = ''; secondsLeft = 5 * 60 + 1; tick();")
        #expect(try browser.script("return document.getElementById('announce').textContent;") as? String == "Sisa waktu 5 menit.")
        try browser.script("document.getElementById('announce').textContent = ''; tick(); tick();")
        #expect(try browser.script("return document.getElementById('announce').textContent;") as? String == "")
        // At the last item, "next" keeps the focus (marked, not disabled).
        try browser.script("show(paper.items.length - 2); document.getElementById('next').focus();")
        try browser.click("#next")
        #expect(try browser.script("return document.activeElement.id;") as? String == "next")

        // Keys only, through an item: the arrow keys choose among the options (saved), Tab
        // reaches "next", Enter moves on, and focus is where the candidate is.
        try browser.script("show(2); document.querySelector('#item-options input').focus();")
        try browser.press("\u{E015}")  // arrow down
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')")
        #expect(
            try browser.script("return document.activeElement === document.querySelectorAll('#item-options input')[1] && document.activeElement.checked;")
                as? Bool == true
        )
        for _ in 0..<10 where try browser.script("return document.activeElement.id;") as? String != "next" { try browser.press(WebDriver.tab) }
        #expect(try browser.script("return document.activeElement.id;") as? String == "next")
        try browser.press(WebDriver.enter)
        try browser.wait("document.getElementById('item-title').textContent.startsWith('Soal 4 ')")
        try browser.wait("document.querySelector('#grid li:nth-child(3) button').getAttribute('aria-label').startsWith('Soal 3: dijawab')")

        // The accessibility tree names every control a screen reader reaches.
        let tree = try browser.accessibilityTree()
        let controls = tree.filter { ["button", "radio", "checkbox", "textbox", "link"].contains($0.role) && !$0.ignored }
        #expect(controls.count > 110, "\(controls.count) controls")
        let unnamed = controls.filter { $0.name.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(unnamed.isEmpty, "unnamed: \(unnamed.map(\.role))")
        #expect(controls.contains { $0.role == "button" && $0.name.hasPrefix("Soal 3: dijawab") })

        // A pause shows at once as a pause, by the page's short poll, not at its 15-second refresh (stopped here).
        try browser.script("stopTimers(); timers.push(setInterval(tick, 1000), setInterval(pulse, 3000));")
        let credentials = try #require(node.printed.firstMatch(of: /"pengawas", kata sandi (\S+), rahasia autentikator (\S+)/))
        let code = TOTPCode.current(secret: String(credentials.2), now: SystemClock().nowMilliseconds())
        let (_, login) = try node.curl("POST", "/api/proctor/login", json: ["username": "pengawas", "password": String(credentials.1), "totp": code])
        let proctor = try #require((login as? [String: Any])?["token"] as? String)
        let (_, sessions) = try node.curl("GET", "/api/proctor/sessions", token: proctor)
        let session = try #require(((sessions as? [[String: Any]])?.first)?["id"] as? String)
        #expect(try node.curl("POST", "/api/proctor/sessions/\(session)/pause", token: proctor).0 == 200)
        try browser.wait("document.getElementById('clock').textContent === 'Dihentikan sementara'", seconds: 8)
        #expect(try browser.script("return document.getElementById('status').classList.contains('warn');") as? Bool != true)
        #expect(try node.curl("POST", "/api/proctor/sessions/\(session)/resume", token: proctor).0 == 200)
        try browser.wait("document.getElementById('clock').textContent.startsWith('Sisa ')", seconds: 8)
    }

    func serverAnswers(_ node: NodeProcess, _ token: String, device: String) throws -> Int {
        let (_, state) = try node.curl("GET", "/api/exam/state", token: token, device: device)
        let grid = (state as? [String: Any])?["grid"] as? [[String: Any]] ?? []
        return grid.count { $0["option"] is String }
    }
}

extension EndToEndTests {
    @Test("a shared exam PC: the answers the first candidate could not send are never sent under the next candidate's token, nor kept for them")
    func sharedPC() throws {
        let chromium = which("chromium")
        let chromedriver = which("chromedriver")
        guard requireTools(["chromium": chromium, "chromedriver": chromedriver, "curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let pin = try #require(node.printed.firstMatch(of: /PIN sesi (\d{6})/)?.1).description
        let browser = try WebDriver(chromium: chromium!, chromedriver: chromedriver!)
        func logIn(_ number: String) throws { try browser.logInCandidate(port: node.httpsPort, number, pin: pin, accessCode: try node.accessCode(number)) }

        // The morning candidate answers while the network is down, and leaves the PC.
        try logIn("2024000001")
        try browser.script("window.fetch = () => Promise.reject(new TypeError('jaringan putus'));")
        // Clicked from the page's own script: the item re-renders as each write fails, which
        // would leave a WebDriver element reference stale between finding and clicking it.
        for index in 0..<5 {
            try browser.script("document.querySelector('#item-options input').click(); document.getElementById('next').click();")
            try browser.wait("document.getElementById('item-title').textContent.startsWith('Soal \(index + 2) ')")
        }
        try browser.wait("document.getElementById('status').textContent.includes('BELUM tersimpan')")
        let queued =
            try browser.script(
                "return Object.keys(localStorage).filter(k => k.startsWith('queue')).map(k => JSON.parse(localStorage[k]).length).reduce((a, b) => a + b, 0);"
            ) as? Int
        #expect(queued == 5)
        // The browser is restarted for the next candidate (the tab's own storage goes, the device's stays).
        try browser.script("sessionStorage.clear();")

        // The afternoon candidate logs in on the same browser profile; every request is watched.
        try browser.open("https://127.0.0.1:\(node.httpsPort)/")
        try browser.wait("document.getElementById('login-form')")
        try browser.script(
            """
            window.writes = [];
            const realFetch = window.fetch;
            window.fetch = (path, options) => { if (options && options.method === 'PUT') window.writes.push(path); return realFetch(path, options); };
            const form = document.getElementById('login-form');
            form.participantNumber.value = '2024000003'; form.pin.value = '\(pin)'; form.accessCode.value = '\(try node.accessCode("2024000003"))';
            """
        )
        try browser.click("#login-form button[type=submit]")
        try browser.wait("!document.getElementById('exam-view').hidden")
        try browser.wait("document.getElementById('clock').textContent.startsWith('Sisa ')")
        let writes = try browser.script("return window.writes.length;") as? Int
        #expect(writes == 0, "the first candidate's writes were sent under the second's token")
        let left =
            try browser.script(
                "return Object.keys(localStorage).filter(k => k.startsWith('queue') || k.startsWith('sequence')).filter(k => !k.endsWith('/2024000003'));"
            ) as? [Any]
        #expect(left?.isEmpty == true, "kept for the next candidate: \(String(describing: left))")
        let token = try #require(try browser.script("return sessionStorage.getItem('token');") as? String)
        let device = try #require(try browser.script("return localStorage.getItem('device');") as? String)
        #expect(try serverAnswers(node, token, device: device) == 0)

        // Their own answer goes through, and finishing leaves nothing of theirs on the device.
        try browser.click("#item-options input")
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')")
        #expect(try serverAnswers(node, token, device: device) == 1)
        try browser.script("window.confirm = () => true;")
        try browser.click("#finish")
        try browser.wait("!document.getElementById('score-view').hidden")
        let after =
            try browser.script(
                "return Object.keys(localStorage).filter(k => k.startsWith('queue') || k.startsWith('sequence')).length + (sessionStorage.getItem('token') ? 1 : 0);"
            ) as? Int
        #expect(after == 0)
    }
}

extension EndToEndTests {
    @Test("when the sign-in ends mid-exam (a device reset), the answers queued offline stay on the device and are sent after the candidate signs in again")
    func queueSurvivesSignInEnd() throws {
        let chromium = which("chromium")
        let chromedriver = which("chromedriver")
        guard requireTools(["chromium": chromium, "chromedriver": chromedriver, "curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let pin = try #require(node.printed.firstMatch(of: /PIN sesi (\d{6})/)?.1).description
        let credentials = try #require(node.printed.firstMatch(of: /"pengawas", kata sandi (\S+), rahasia autentikator (\S+)/))
        let browser = try WebDriver(chromium: chromium!, chromedriver: chromedriver!)
        func logIn() throws { try browser.logInCandidate(port: node.httpsPort, "2024000001", pin: pin, accessCode: try node.accessCode("2024000001")) }
        try logIn()
        // Offline: two answers queue up.
        try browser.script("window.realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('jaringan putus'));")
        for index in 0..<2 {
            try browser.script("document.querySelector('#item-options input').click(); document.getElementById('next').click();")
            try browser.wait("document.getElementById('item-title').textContent.startsWith('Soal \(index + 2) ')")
        }
        try browser.wait("document.getElementById('status').textContent.includes('BELUM tersimpan')")
        // The proctor resets the candidate's device: the page's token ends.
        let code = TOTPCode.current(secret: String(credentials.2), now: SystemClock().nowMilliseconds())
        let (_, login) = try node.curl("POST", "/api/proctor/login", json: ["username": "pengawas", "password": String(credentials.1), "totp": code])
        let proctor = try #require((login as? [String: Any])?["token"] as? String)
        let (_, sessions) = try node.curl("GET", "/api/proctor/sessions", token: proctor)
        let session = try #require(((sessions as? [[String: Any]])?.first)?["id"] as? String)
        let (reset, _) = try node.curl("POST", "/api/proctor/sessions/\(session)/candidates/2024000001/reset-device", token: proctor)
        #expect(reset == 200)
        // The network returns: the refusal shows the login form, and nothing queued is lost.
        try browser.script("window.fetch = window.realFetch; window.dispatchEvent(new Event('online'));")
        try browser.wait("!document.getElementById('login-view').hidden", seconds: 30)
        let kept =
            try browser.script("return JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('queue:'))) || '[]').length;") as? Int
        #expect(kept == 2)
        // Signed in again on the same PC, the queue goes out.
        try logIn()
        try browser.wait("document.getElementById('status').textContent.includes('Semua jawaban tersimpan')", seconds: 30)
        let token = try #require(try browser.script("return sessionStorage.getItem('token');") as? String)
        let device = try #require(try browser.script("return localStorage.getItem('device');") as? String)
        #expect(try serverAnswers(node, token, device: device) == 2)
    }
}

extension EndToEndTests {
    @Test(
        "proctor page in headless Chromium: a wrong password says so; log in, see the session's candidates, buttons by state, pause (asked) and resume, Indonesian messages beside the session, add time cancelled or mistyped, a device reset asked"
    )
    func proctorPage() throws {
        let chromium = which("chromium")
        let chromedriver = which("chromedriver")
        guard requireTools(["chromium": chromium, "chromedriver": chromedriver, "curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let credentials = try #require(node.printed.firstMatch(of: /"pengawas", kata sandi (\S+), rahasia autentikator (\S+)/))
        let password = String(credentials.1)
        let code = TOTPCode.current(secret: String(credentials.2), now: SystemClock().nowMilliseconds())
        // `serve` runs the portal beside the node, on its own store, with the demo period.
        let portal = try runCurl(["-sk", "https://127.0.0.1:\(node.portalHTTPSPort)/api/period", "--max-time", "5"])
        #expect(portal.contains("\"casn-demo\""), "\(portal.prefix(300))")
        #expect(
            FileManager.default.fileExists(atPath: node.data + "/portal/portal.sqlite") && FileManager.default.fileExists(atPath: node.data + "/exam.sqlite")
        )
        let browser = try WebDriver(chromium: chromium!, chromedriver: chromedriver!)

        try browser.open("https://127.0.0.1:\(node.httpsPort)/pengawas")
        try browser.wait("document.getElementById('login-form')")
        // A wrong password is a wrong password (it said "login required").
        try browser.script(
            "const f = document.getElementById('login-form'); f.username.value = 'pengawas'; f.password.value = 'salah-sekali'; f.totp.value = '000000';"
        )
        try browser.click("#login-form button[type=submit]")
        try browser.wait("document.getElementById('login-error').textContent.includes('kata sandi, atau kode autentikator salah')")
        try browser.script(
            "const f = document.getElementById('login-form'); f.username.value = 'pengawas'; f.password.value = '\(password)'; f.totp.value = '\(code)';"
        )
        try browser.click("#login-form button[type=submit]")
        try browser.wait("document.querySelectorAll('#sessions tr').length === 1")
        try browser.click("#sessions tr")
        try browser.wait("document.querySelectorAll('#candidates tr').length === 4")
        let first = try browser.script("return document.querySelector('#candidates tr td').textContent;") as? String
        #expect(first == "2024000001")

        // The state in words, and only the buttons it allows.
        try browser.wait("document.getElementById('session-title').textContent.includes('berjalan')")
        let enabled =
            try browser.script(
                "return [...document.querySelectorAll('[data-action]')].filter(b => !b.disabled).map(b => b.dataset.action).join(',');"
            ) as? String
        #expect(enabled == "pause,close", "\(enabled ?? "-")")
        // Pausing is asked first: declined, nothing happens.
        let token = try #require(try browser.script("return sessionStorage.getItem('proctor');") as? String)
        try browser.script("window.confirm = () => false;")
        try browser.click("[data-action=pause]")
        #expect(try paused(node, token) == false)
        try browser.script("window.confirm = () => true;")
        try browser.click("[data-action=pause]")
        try browser.wait(
            "document.getElementById('session-title').textContent.includes('dihentikan sementara') && document.getElementById('session-message').textContent === 'Tercatat di log audit.'"
        )
        #expect(try paused(node, token) == true)
        #expect(try browser.script("return document.querySelector('[data-action=resume]').disabled;") as? Bool == false)
        // Add time: cancelled, nothing is said; "lima" is answered in words, beside the session.
        try browser.script("document.getElementById('session-message').textContent = ''; window.prompt = () => null;")
        try browser.click("#extend-all")
        #expect(try browser.script("return document.getElementById('session-message').textContent;") as? String == "")
        try browser.script("window.prompt = () => 'lima';")
        try browser.click("#extend-all")
        try browser.wait("document.getElementById('session-message').textContent.includes('angka menit')")
        // A device reset is asked first.
        try browser.script("window.confirm = () => false; document.getElementById('session-message').textContent = '';")
        try browser.click("#candidates tr td:last-child button:last-child")
        #expect(try browser.script("return document.getElementById('session-message').textContent;") as? String == "")
        try browser.script("window.confirm = () => true; document.getElementById('session-message').textContent = '';")
        try browser.click("[data-action=resume]")
        try browser.wait("document.getElementById('session-message').textContent === 'Tercatat di log audit.'")
        #expect(try paused(node, token) == false)
        // Signing out ends the token on the node, not only in the page.
        try browser.click("#logout")
        try browser.wait("!document.getElementById('login-view').hidden")
        let (status, _) = try node.curl("GET", "/api/proctor/sessions", token: token)
        #expect(status == 401)
    }

    private func paused(_ node: NodeProcess, _ token: String) throws -> Bool? {
        let (_, body) = try node.curl("GET", "/api/proctor/sessions", token: token)
        return ((body as? [[String: Any]])?.first?["paused"] as? Bool)
    }
}

extension WebDriver {
    /// Opens the exam page, signs a candidate in and waits for their paper and clock.
    func logInCandidate(port: Int, _ number: String, pin: String, accessCode: String) throws {
        try open("https://127.0.0.1:\(port)/")
        try wait("document.getElementById('login-form')")
        try script(
            """
            const form = document.getElementById('login-form');
            form.participantNumber.value = '\(number)'; form.pin.value = '\(pin)'; form.accessCode.value = '\(accessCode)';
            """
        )
        try click("#login-form button[type=submit]")
        try wait("!document.getElementById('exam-view').hidden")
        try wait("document.getElementById('clock').textContent.startsWith('Sisa ')")
    }
}
