import Crypto
import Foundation
import Logging
import Portal
import Registration
import SeleksiAuth
import SeleksiCore
import ServiceLifecycle
import SwiftASN1
import Testing
import X509

/// The whole exam day across the wire: an applicant signs up and is found MS, is seated,
/// the portal's roster reaches a separately started node over HTTPS (the node asks for it),
/// the candidate sits the exam there with the access code from the exam card, the node
/// sends the results back, and the announcement shows the score and its digest on the
/// board and in the CSV.
@Suite("End to end: portal and node joined over HTTPS", .serialized, .timeLimit(.minutes(3)))
struct HandoffEndToEndTests {
    static let day: Int64 = 86_400_000

    /// The portal, in this process on its own HTTPS port, with its clock in the test's hand.
    final class LivePortal: @unchecked Sendable {
        let folder = NSTemporaryDirectory() + "seleksi-e2e-portal-" + UUID().uuidString
        let clock: ManualClock
        let service: RegistrationService
        let httpsPort: Int
        private var task: Task<Void, any Error>?
        private var group: ServiceGroup?

        init(start: Int64) throws {
            clock = ManualClock(start)
            let ports = NodeProcess.freePorts(2)
            httpsPort = ports[0]
            var settings = PortalSettings()
            settings.data = folder
            settings.httpsPort = ports[0]
            settings.httpPort = ports[1]
            settings.bcryptCost = 4
            settings.examRules = repositoryRoot + "/Config/rules/skd-2024.yaml"
            settings.resultCodes = repositoryRoot + "/Config/result-codes.yaml"
            // Served with a certificate from the agency's own authority, which the node is told to trust.
            try Self.issueCertificate(in: folder)
            settings.tlsCertificate = folder + "/portal.pem"
            settings.tlsKey = folder + "/portal-key.pem"
            service = try PortalServer.openService(settings: settings, clock: clock)
        }

        /// `ca.pem` (an authority) and `portal.pem` with its key (127.0.0.1, signed by it).
        static func issueCertificate(in folder: String) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let now = Date()
            let authorityKey = P256.Signing.PrivateKey()
            let authorityName = try DistinguishedName { CommonName("Seleksi uji CA") }
            let authority = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(authorityKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3_600),
                notValidAfter: now.addingTimeInterval(86_400),
                issuer: authorityName,
                subject: authorityName,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true))
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey)
            )
            let key = P256.Signing.PrivateKey()
            let leaf = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3_600),
                notValidAfter: now.addingTimeInterval(86_400),
                issuer: authorityName,
                subject: try DistinguishedName { CommonName("127.0.0.1") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey)
            )
            try authority.serializeAsPEM().pemString.write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
            try leaf.serializeAsPEM().pemString.write(toFile: folder + "/portal.pem", atomically: true, encoding: .utf8)
            try key.pemRepresentation.write(toFile: folder + "/portal-key.pem", atomically: true, encoding: .utf8)
        }

        deinit {
            task?.cancel()
            try? FileManager.default.removeItem(atPath: folder)
        }

        func serve() async throws {
            var logger = Logger(label: "e2e.portal")
            logger.logLevel = .warning
            let group = ServiceGroup(services: try await PortalServer.services(service: service, logger: logger), logger: logger)
            self.group = group
            task = Task { try await group.run() }
            for _ in 0..<100 {
                if (try? await get("/api/period").status) == 200 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw NodeProcess.CurlError(message: "the portal did not start")
        }

        /// The portal goes away (its link, its process): HTTPS stops answering, after a
        /// graceful shutdown (cancelling a server with open connections is not a way it stops).
        func stop() async {
            await group?.triggerGracefulShutdown()
            _ = await task?.result
            (task, group) = (nil, nil)
        }

        func get(_ path: String) async throws -> (status: Int, body: String) {
            let port = httpsPort
            let text = try await offPool { try runCurl(["-sk", "-w", "\n%{http_code}", "https://127.0.0.1:\(port)\(path)", "--max-time", "5"]) }
            guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]) else { return (0, "") }
            return (status, String(text[..<split]))
        }

        /// What an event stream sends within a second (curl stops it then).
        func stream(_ path: String, lastEventID: String? = nil) async throws -> String {
            let port = httpsPort
            let header = lastEventID.map { ["-H", "Last-Event-ID: \($0)"] } ?? []
            return try await offPool { try runCurl(["-skN", "https://127.0.0.1:\(port)\(path)", "--max-time", "1"] + header) }
        }

        func staff(_ username: String) async throws -> StaffAccount {
            try #require(try await service.store.staffCredentials(username: username)?.staff)
        }
    }

    /// Headless Chromium (started off the cooperative pool), or nil (with the reason
    /// printed) where it is not installed; under CI it must be.
    static func browser(phoneWidth: Int? = nil, desktopWidth: Int? = nil, javascript: Bool = true) async throws -> WebDriver? {
        guard let chromium = which("chromium"), let chromedriver = which("chromedriver") else {
            _ = requireTools(["chromium": which("chromium"), "chromedriver": which("chromedriver")])
            return nil
        }
        return try await offPool {
            try WebDriver(chromium: chromium, chromedriver: chromedriver, javascript: javascript, phoneWidth: phoneWidth, desktopWidth: desktopWidth)
        }
    }

    /// The period, Maria's application found MS and her seat in session `kpg-1` (starting
    /// `wallNow` at UPT BKN Kupang), with the staff `admin`; her participant number and the
    /// access code on her card. The portal's clock is left at `wallNow`.
    static func seatedApplicant(_ portal: LivePortal, start: Int64, wallNow: Int64) async throws -> (number: String, accessCode: String) {
        let service = portal.service
        try await service.setPeriod(
            staff: nil,
            SelectionPeriod(
                id: "casn-e2e",
                name: "CASN Uji Ujung ke Ujung",
                registration: Window(opens: start - Self.day, closes: start + 10 * Self.day),
                verification: Window(opens: start - Self.day, closes: start + 20 * Self.day),
                objectionDays: 3,
                exam: Window(opens: start + 30 * Self.day, closes: start + 40 * Self.day),
                announcement: Window(opens: start + 34 * Self.day, closes: start + 60 * Self.day),
                participantPrefix: "26"
            )
        )
        try await service.addAgency(staff: nil, Agency(id: "bkn", name: "Badan Kepegawaian Negara"))
        try await service.addFormation(
            staff: nil,
            Formation(
                id: "BKN-KPG-1",
                periodID: "",
                agencyID: "bkn",
                position: "Analis SDM Aparatur",
                unit: "Kanreg X",
                location: "Kupang",
                educationLevel: .s1,
                majors: ["Psikologi"],
                quota: 1,
                type: .general
            )
        )
        try await service.addSlot(
            staff: nil,
            ExamSlot(
                id: "kpg-1",
                periodID: "",
                venue: "UPT BKN Kupang",
                location: "Kupang",
                startsAt: wallNow,
                timeZone: .wita,
                sessionNumber: 1,
                capacity: 10
            )
        )
        _ = try await service.createStaff(username: "admin", role: .admin, agencyID: nil)
        _ = try await service.createStaff(username: "verif-bkn", role: .verifier, agencyID: "bkn")

        // The applicant: sign-up, email code, application with its documents, submitted.
        let account = try await service.signUp(
            SignUp(
                nik: "5371014101990001",
                kk: "5371010101100001",
                name: "Maria Ndolu",
                birthPlace: "Kupang",
                birthDate: "1999-01-01",
                sex: "P",
                email: "maria@contoh.id",
                phone: "081234567890",
                password: "garam-dan-madu-42"
            ),
            address: "10.0.0.7"
        )
        let mail = try #require(try await service.store.pendingMail(limit: 100).last { $0.to == "maria@contoh.id" })
        try await service.verifyEmail(email: "maria@contoh.id", code: String(try #require(mail.body.firstMatch(of: /: (\d{6})/)).1), address: "10.0.0.7")
        let draft = try JSONDecoder().decode(
            ApplicationDraft.self,
            from: JSONSerialization.data(withJSONObject: [
                "formationID": "BKN-KPG-1", "testLocation": "Kupang", "disability": false, "residesAbroad": false,
                "education": ["level": "S1", "major": "Psikologi", "diplomaNumber": "UNDANA/2021/0042", "gpa": 3.4, "graduationYear": 2021],
            ])
        )
        let application = try await service.createApplication(accountID: account.id, draft: draft)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 1_994) + [0xFF, 0xD9]
        let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 2_000) + Array("\n%%EOF\n".utf8)
        for (kind, bytes) in [("foto", jpeg), ("swafoto", jpeg), ("ktp", jpeg), ("ijazah", pdf), ("transkrip", pdf)] {
            _ = try await service.uploadDocument(accountID: account.id, kind: kind, bytes: bytes)
        }
        _ = try await service.submit(accountID: account.id)
        try await service.decide(staff: try await portal.staff("verif-bkn"), id: application.id, result: .ms, reasonCode: nil, note: "")
        portal.clock.set(start + 21 * Self.day)
        _ = try await service.announceResults(staff: try await portal.staff("admin"))
        #expect(try await service.assignSeats(staff: try await portal.staff("admin")).assigned == 1)
        let (_, _, seat) = try await service.examCard(accountID: account.id)
        let number = seat.participantNumber
        let accessCode = service.accessCode(participantNumber: number, periodID: "casn-e2e")

        portal.clock.set(wallNow)
        return (number, accessCode)
    }

    @Test(
        "sign-up → MS → seat → roster to the node → exam with the card's access code → results back → ranking → board and CSV; the live page and the board in a browser"
    )
    func examDay() async throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let wallNow = Int64(Date().timeIntervalSince1970 * 1000)
        // The portal's story starts 35 days before today (registration open), and ends today.
        let start = wallNow - 35 * Self.day
        let portal = try LivePortal(start: start)
        let service = portal.service
        let (number, accessCode) = try await Self.seatedApplicant(portal, start: start, wallNow: wallNow)

        // Today: the portal serves; the node is registered with its own key, and configured to call the portal.
        portal.clock.set(wallNow)
        let node = NodeProcess()
        let config = node.data + "-node.yaml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        let yaml = """
            rules: Config/rules
            banks: QuestionBanks
            portal_public_key: \(try service.settings.signingKey().publicKey.text)
            portal:
              url: https://127.0.0.1:\(portal.httpsPort)
              node_id: node-kupang
              ca: \(portal.folder)/ca.pem
              sync_seconds: 1
            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let key = try #require(try await node.run(["exam-node", "key"], config: config).split(separator: " ").first.map(String.init))
        _ = try await service.registerNode(
            staff: try await portal.staff("admin"),
            RegisteredNode(id: "node-kupang", venues: ["UPT BKN Kupang"], url: "https://127.0.0.1:\(node.httpsPort)", publicKey: key)
        )
        let proctorLine = try await node.run(["exam-node", "proctor", "--username", "pengawas", "--venue", "UPT BKN Kupang"], config: config)
        let credentials = try #require(proctorLine.firstMatch(of: /kata sandi (\S+), rahasia autentikator (\S+) \(/))
        let (password, secret) = (String(credentials.1), String(credentials.2))
        // The node starts while the portal is still down: its link retries until the portal is up.
        try node.startNode(config: config)
        try await portal.serve()

        // The node fetches its roster by itself; the proctor sees the session.
        let (_, login) = try await node.send(
            "POST",
            "/api/proctor/login",
            json: ["username": "pengawas", "password": password, "totp": TOTPCode.current(secret: secret, now: Int64(Date().timeIntervalSince1970 * 1000))]
        )
        let proctor = try #require((login as? [String: Any])?["token"] as? String, "\(node.printed)")
        var arrived = false
        for _ in 0..<100 where !arrived {
            let (_, sessions) = try await node.send("GET", "/api/proctor/sessions", token: proctor)
            arrived = ((sessions as? [[String: Any]]) ?? []).contains { $0["id"] as? String == "kpg-1" }
            if !arrived { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(arrived, "the roster never reached the node:\n\(node.printed)")
        // Someone follows the session's live page in a browser: nobody has finished yet.
        let site = "https://127.0.0.1:\(portal.httpsPort)"
        let browser = try await Self.browser()
        if let browser {
            try await offPool {
                try browser.open(site + "/langsung/kpg-1")
                try browser.wait("document.getElementById('status').textContent.startsWith('0 peserta selesai')")
            }
        }
        // The link goes down for the rest of the exam: the room does not notice (the portal
        // stops though the browser's event stream is open: it ends, and the browser retries).
        await portal.stop()
        #expect(try await node.send("POST", "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
        let (_, detail) = try await node.send("GET", "/api/proctor/sessions/kpg-1", token: proctor)
        let pin = try #require(((detail as? [String: Any])?["session"] as? [String: Any])?["pin"] as? String)

        // Maria sits the exam with the code on her card and answers every item.
        let (loginStatus, candidate) = try await node.send(
            "POST",
            "/api/exam/login",
            json: ["participantNumber": number, "pin": pin, "accessCode": accessCode, "device": "pc-7"]
        )
        #expect(loginStatus == 200, "\(String(describing: candidate))")
        let token = try #require((candidate as? [String: Any])?["token"] as? String)
        let (_, paperJSON) = try await node.send("GET", "/api/exam/paper", token: token, device: "pc-7")
        let items = try #require((paperJSON as? [String: Any])?["items"] as? [[String: Any]])
        for (index, item) in items.enumerated() {
            let id = try #require(item["id"] as? String)
            let option = try #require((item["options"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(
                try await node.send("PUT", "/api/exam/answers/\(id)", token: token, device: "pc-7", json: ["option": option, "sequence": index + 1]).0 == 200
            )
        }
        #expect(try await node.send("POST", "/api/exam/finish", token: token, device: "pc-7").0 == 200)
        #expect(try await node.send("POST", "/api/proctor/sessions/kpg-1/close", token: proctor).0 == 200)
        // The node has noticed the portal is away (its link retries)…
        for _ in 0..<100 where !node.printed.contains("tautan portal gagal") { try await Task.sleep(for: .milliseconds(100)) }
        #expect(node.printed.contains("tautan portal gagal"), "\(node.printed)")
        // …and the link comes back: the results package the node kept goes out.
        try await portal.serve()

        // The node sends the results by itself; the portal keeps them.
        var results: StoredResultsPackage?
        for _ in 0..<100 where results == nil {
            results = try await service.store.resultsPackage(periodID: "casn-e2e", sessionID: "kpg-1")
            if results == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let received = try #require(results, "the results never reached the portal:\n\(node.printed)")
        #expect(received.nodeID == "node-kupang" && received.candidates == 1)
        let result = try #require(try await service.store.examResults(periodID: "casn-e2e").first)
        #expect(result.participantNumber == number && result.status == .finished && result.scores.keys.sorted() == ["TIU", "TKP", "TWK"])
        let total = try #require(result.total)

        // Her score went live too: the venue's screen (no PIN on it) and the portal's event stream, resumable.
        let screen = try await offPool { try runCurl(["-sk", "https://127.0.0.1:\(node.httpsPort)/layar/kpg-1", "--max-time", "5"]) }
        #expect(screen.contains("Maria Ndolu") && screen.contains("<strong>\(total)</strong>") && !screen.contains(pin), "\(screen)")
        var events = ""
        for _ in 0..<20 where !events.contains("event: nilai") {
            events = try await portal.stream("/langsung/kpg-1/peristiwa")
        }
        #expect(events.contains("id: 1\nevent: nilai") && events.contains("Maria Ndolu") && events.contains("\"total\":\(total)"), "\(events)")
        let resumed = try await portal.stream("/langsung/kpg-1/peristiwa", lastEventID: "1")
        #expect(resumed.hasPrefix("retry:") && !resumed.contains("event: nilai"), "\(resumed)")
        #expect(try await portal.get("/langsung/kpg-1").body.contains("Maria Ndolu"))
        // The browser reconnected by itself and shows her score as it came, without a reload.
        if let browser {
            let navigations = try await offPool {
                try browser.wait(
                    "(() => { const rows = document.getElementById('nilai').tBodies[0].rows; return rows.length === 1 && rows[0].textContent.includes('Maria Ndolu') && rows[0].textContent.includes('\(total)'); })()",
                    seconds: 30
                )
                return try browser.script("return performance.getEntriesByType('navigation')[0].type;") as? String
            }
            #expect(navigations == "navigate", "the page was reloaded")
        }

        // Ranked and announced; the board and the CSV show her score and the digest.
        let announced = try await service.publishSKD(staff: try await portal.staff("admin"), publishAt: nil)
        portal.clock.advance(seconds: 2)
        let board = try await portal.get("/hasil?q=\(number)")
        #expect(board.status == 200)
        for shown in ["Maria Ndolu", number, String(total), announced.digest] { #expect(board.body.contains(shown), "\(shown) is not on the board") }
        // In the browser: the board with its digest, and the search form finds her (a plain GET form: no script needed).
        if let browser {
            let digest = announced.digest
            try await offPool {
                try browser.open(site + "/hasil")
                try browser.wait("document.body.textContent.includes('\(digest)')")
                try browser.script("document.querySelector('form.filters input[name=q]').value = '\(number)';")
                try browser.submit("form.filters button")
                try browser.wait("location.search.includes('q=\(number)') && document.querySelector('table tbody').textContent.includes('Maria Ndolu')")
            }
        }
        let csv = try await portal.get("/hasil/skd/1/pengumuman.csv")
        #expect(csv.status == 200 && csv.body.contains("\(announced.digest),\(number),Maria Ndolu,Badan Kepegawaian Negara,BKN-KPG-1"), "\(csv.body)")
        #expect(csv.body.contains(",\(total),"))
        // The node's store never held her NIK or birth date.
        let stored = try Data(contentsOf: URL(fileURLWithPath: node.data + "/exam.sqlite"))
        for secret in ["5371014101990001", "1999-01-01"] { #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) is on the node") }
        for _ in 0..<50 where !node.printed.contains("tautan portal pulih") { try await Task.sleep(for: .milliseconds(100)) }
        #expect(node.printed.contains("tautan portal pulih"), "\(node.printed)")
        node.kill()
        await portal.stop()
    }
}

extension HandoffEndToEndTests {
    @Test("the portal pushes the roster to a node it can reach and pulls the results back (seleksi handoff push, pull), over HTTPS between separate processes")
    func portalCalls() async throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let wallNow = Int64(Date().timeIntervalSince1970 * 1000)
        let start = wallNow - 35 * Self.day
        let portal = try LivePortal(start: start)
        let service = portal.service
        let (number, accessCode) = try await Self.seatedApplicant(portal, start: start, wallNow: wallNow)
        // A node with no link of its own (no `portal:`): it only answers the portal's calls.
        let node = NodeProcess()
        let config = node.data + "-node.yaml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try """
        rules: Config/rules
        banks: QuestionBanks
        portal_public_key: \(try service.settings.signingKey().publicKey.text)
        tls:
          certificate: \(portal.folder)/portal.pem
          key: \(portal.folder)/portal-key.pem
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let key = try #require(try await node.run(["exam-node", "key"], config: config).split(separator: " ").first.map(String.init))
        _ = try await service.registerNode(
            staff: try await portal.staff("admin"),
            RegisteredNode(id: "node-kupang", venues: ["UPT BKN Kupang"], url: "https://127.0.0.1:\(node.httpsPort)", publicKey: key)
        )
        let proctorLine = try await node.run(["exam-node", "proctor", "--username", "pengawas", "--venue", "UPT BKN Kupang"], config: config)
        let credentials = try #require(proctorLine.firstMatch(of: /kata sandi (\S+), rahasia autentikator (\S+) \(/))
        try await offPool { try node.startNode(config: config) }
        // The node serves a certificate from the agency's authority (the same as the portal's
        // here, both on 127.0.0.1), which the portal is told to trust.
        let call = ["--data", portal.folder, "--node", "node-kupang", "--ca", portal.folder + "/ca.pem"]

        let (pushed, pushOutput) = try await Self.seleksi(["handoff", "push"] + call)
        #expect(pushed == 0 && pushOutput.contains("versi 1: sesi baru 1"), "\(pushOutput)\n\(node.printed)")
        let (again, againOutput) = try await Self.seleksi(["handoff", "push"] + call)
        #expect(again == 0 && againOutput.contains("versi 1: sesi baru 0, diganti 0, tetap 1"), "\(againOutput)")
        // Not yet closed: nothing to pull.
        let (early, earlyOutput) = try await Self.seleksi(["handoff", "pull"] + call)
        #expect(early == 0 && earlyOutput.contains("paket hasil diterima 0"), "\(earlyOutput)")

        // Maria sits the exam with the code on her card.
        let (_, login) = try await node.send(
            "POST",
            "/api/proctor/login",
            json: ["username": "pengawas", "password": String(credentials.1), "totp": TOTPCode.current(secret: String(credentials.2), now: wallNow)]
        )
        let proctor = try #require((login as? [String: Any])?["token"] as? String, "\(node.printed)")
        #expect(try await node.send("POST", "/api/proctor/sessions/kpg-1/open", token: proctor).0 == 200)
        let (_, detail) = try await node.send("GET", "/api/proctor/sessions/kpg-1", token: proctor)
        let pin = try #require(((detail as? [String: Any])?["session"] as? [String: Any])?["pin"] as? String)
        let (loginStatus, candidate) = try await node.send(
            "POST",
            "/api/exam/login",
            json: ["participantNumber": number, "pin": pin, "accessCode": accessCode, "device": "pc-1"]
        )
        #expect(loginStatus == 200, "\(String(describing: candidate))")
        let token = try #require((candidate as? [String: Any])?["token"] as? String)
        #expect(try await node.send("GET", "/api/exam/paper", token: token, device: "pc-1").0 == 200)
        #expect(try await node.send("POST", "/api/exam/finish", token: token, device: "pc-1").0 == 200)
        #expect(try await node.send("POST", "/api/proctor/sessions/kpg-1/close", token: proctor).0 == 200)

        let (pulled, pullOutput) = try await Self.seleksi(["handoff", "pull"] + call)
        #expect(pulled == 0 && pullOutput.contains("paket hasil diterima 1 (kpg-1)"), "\(pullOutput)\n\(node.printed)")
        let received = try #require(try await service.store.resultsPackage(periodID: "casn-e2e", sessionID: "kpg-1"))
        #expect(received.nodeID == "node-kupang" && received.candidates == 1)
        // Kept as the portal's pull, not as if the node had sent it.
        #expect(received.importedBy == "portal (ditarik dari node:node-kupang)")
        #expect(try await service.store.examResults(periodID: "casn-e2e").first?.participantNumber == number)
        // What the portal holds is not sent again.
        let (_, repeatOutput) = try await Self.seleksi(["handoff", "pull"] + call)
        #expect(repeatOutput.contains("paket hasil diterima 0, sudah ada 0"), "\(repeatOutput)")
        let audit = try await service.store.audit(AuditFilter(subject: "node:node-kupang"))
        #expect(audit.filter { $0.action == "roster.push" }.count == 2 && audit.filter { $0.action == "results.pull" }.count == 3, "\(audit)")

        // A node that does not answer: a clear message and a failing exit code.
        node.kill()
        let (down, downOutput) = try await Self.seleksi(["handoff", "push"] + call)
        #expect(down == 2 && downOutput.contains("Node tidak dapat dihubungi"), "\(downOutput)")
        // A node not registered: named.
        let (unknown, unknownOutput) = try await Self.seleksi(["handoff", "pull", "--data", portal.folder, "--node", "node-lain"])
        #expect(unknown == 2 && unknownOutput.contains("node-lain belum didaftarkan"), "\(unknownOutput)")
    }

    /// `seleksi ARGUMENTS` off the cooperative pool.
    static func seleksi(_ arguments: [String]) async throws -> (Int32, String) {
        try await offPool { try runSeleksi(arguments) }
    }
}

/// Runs blocking work (a curl, a child process) on a thread of its own: on the cooperative
/// pool (two threads on two cores) it would keep the in-process portal from answering it.
func offPool<T>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let box = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Unchecked<T>, any Error>) in
        Thread.detachNewThread { continuation.resume(with: Result { Unchecked(value: try body()) }) }
    }
    return box.value
}

struct Unchecked<T>: @unchecked Sendable { let value: T }

extension NodeProcess {
    /// `curl` off the cooperative pool.
    func send(_ method: String, _ path: String, token: String? = nil, device: String? = nil, json: Any? = nil) async throws -> (Int, Any?) {
        let payload = Unchecked(value: json)
        return try await offPool { try self.curl(method, path, token: token, device: device, json: payload.value) }
    }

    /// `command` off the cooperative pool.
    func run(_ arguments: [String], config: String) async throws -> String {
        try await offPool { try self.command(arguments, config: config) }
    }
}
