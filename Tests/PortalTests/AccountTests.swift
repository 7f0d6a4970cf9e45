import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import SeleksiHTTP
import Testing

@Suite("Accounts: sign-up, email code, login limits, password reset")
struct AccountTests {
    @Test("every bad sign-up is a 422 or 409 with its code, and nothing is saved")
    func badSignUps() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let cases: [(String, [String: Any], Int, String)] = [
                ("15 digits", ["nik": "320101410199000"], 422, "invalid-nik"),
                ("letters", ["nik": "32010141019900AB"], 422, "invalid-nik"),
                ("unknown province", ["nik": "9901014101990001"], 422, "invalid-nik"),
                ("impossible date", ["nik": "3201017301990001"], 422, "invalid-nik"),
                ("birth date differs from NIK", ["birthDate": "1999-01-02"], 422, "nik-mismatch"),
                ("sex differs from NIK", ["sex": "L"], 422, "nik-mismatch"),
                ("impossible birth date", ["birthDate": "1999-02-30"], 422, "invalid-birth-date"),
                ("bad KK", ["kk": "123"], 422, "invalid-kk"),
                ("bad email", ["email": "ani-at-contoh"], 422, "invalid-email"),
                ("bad phone", ["phone": "12345"], 422, "invalid-phone"),
                ("short password", ["password": "pendek"], 422, "weak-password"),
                ("common password", ["password": "bismillah123"], 422, "weak-password"),
                ("a common password with digits added", ["password": "password12"], 422, "weak-password"),
                ("a common password from the list", ["password": "qwerty12345"], 422, "weak-password"),
                ("password is the NIK", ["password": "x3201014101990001"], 422, "weak-password"),
                ("a name with a line break", ["name": "Ani\nSegera klik tautan ini"], 422, "invalid-name"),
                ("a name with a web address", ["name": "Ani kunjungi hadiah-cpns.example"], 422, "invalid-name"),
                ("a name with www", ["name": "Ani www hadiah"], 422, "invalid-name"),
                ("a name with markup", ["name": "<b>Ani</b>"], 422, "invalid-name"),
                ("a name with digits", ["name": "Ani 0812345678"], 422, "invalid-name"),
                ("a birth place with a slash", ["birthPlace": "Bogor/Jakarta"], 422, "invalid-birth-place"),
            ]
            for (name, change, status, code) in cases {
                let form = client.signUpForm().merging(change) { _, new in new }
                let reply = try await client.send(.post, "/api/accounts", json: form)
                #expect(reply.status == status && reply.code == code, "\(name): \(reply.status) \(reply.text)")
            }
            // None of them created an account: the NIK is still free.
            let created = try await client.send(.post, "/api/accounts", json: client.signUpForm())
            #expect(created.status == 201)
            #expect(created["passwordHash"] == nil && created["emailVerified"] as? Bool == false)
            let duplicate = try await client.send(.post, "/api/accounts", json: client.signUpForm(email: "lain@contoh.id"))
            #expect(duplicate.status == 409 && duplicate.code == "duplicate-nik")
            let sameEmail = try await client.send(
                .post,
                "/api/accounts",
                json: client.signUpForm(nik: PortalClient.papuaNIK, birthDate: "1998-07-05", sex: "L")
            )
            #expect(sameEmail.status == 409 && sameEmail.code == "duplicate-email")
            let malformed = try await client.send(.post, "/api/accounts", bytes: Array("{\"nik\":".utf8), contentType: "application/json")
            #expect(malformed.status == 400 && malformed.code == "malformed-json")
        }
    }

    @Test("names as a KTP has them are taken; the email puts the typed name after the system's own text, marked as typed")
    func namesAndMail() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let form = client.signUpForm().merging(["name": "Nur'aini M. Siregar-Putri, S.Kom"]) { _, new in new }
            let created = try await client.send(.post, "/api/accounts", json: form)
            #expect(created.status == 201, "\(created.text)")
            let mail = try #require(try await portal.service.store.pendingMail(limit: 10).last)
            #expect(mail.body.hasPrefix("Kode verifikasi email Anda: "))
            #expect(mail.body.hasSuffix("Nama yang diisikan saat pendaftaran: \"Nur'aini M. Siregar-Putri, S.Kom\""))
        }
    }

    @Test("sign-ups from one address are limited per hour; a duplicate NIK is refused before a password is hashed")
    func signUpLimits() async throws {
        var settings = TestPortal.settings
        settings.signUpsPerAddress = 2
        let portal = try await TestPortal(settings: settings)
        try await portal.test { client in
            #expect(try await client.send(.post, "/api/accounts", json: client.signUpForm()).status == 201)
            let duplicate = try await client.send(.post, "/api/accounts", json: client.signUpForm(email: "lain@contoh.id"))
            #expect(duplicate.status == 409 && duplicate.code == "duplicate-nik")
            let third = try await client.send(
                .post,
                "/api/accounts",
                json: client.signUpForm(nik: PortalClient.papuaNIK, email: "budi@contoh.id", birthDate: "1998-07-05", sex: "L")
            )
            #expect(third.status == 429 && third.code == "too-many-sign-ups", "\(third.text)")
            portal.clock.advance(seconds: 3_601)
            let later = try await client.send(
                .post,
                "/api/accounts",
                json: client.signUpForm(nik: PortalClient.papuaNIK, email: "budi@contoh.id", birthDate: "1998-07-05", sex: "L")
            )
            #expect(later.status == 201, "\(later.text)")
        }
    }

    @Test("a NIK is taken only with the KK, name and birth date the civil registry has for it; a registry that cannot answer refuses, never accepts")
    func civilRegistry() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-dukcapil-" + UUID().uuidString + ".csv"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "nik,kk,name,birth_date\n3201014101990001,3201010101100001,ANI LESTARI,1999-01-01\n".write(toFile: folder, atomically: true, encoding: .utf8)
        let portal = try await TestPortal(civilRegistry: try FileCivilRegistry(file: folder))
        try await portal.test { client in
            // Someone who knows only Ani's NIK cannot take it.
            for (change, what) in [
                (["kk": "3201010101100009"], "KK"), (["name": "Ana Lestari"], "name"),
                (["nik": PortalClient.papuaNIK, "birthDate": "1998-07-05", "sex": "L"], "NIK"),
            ] {
                let form = client.signUpForm().merging(change) { _, new in new }
                let reply = try await client.send(.post, "/api/accounts", json: form)
                #expect(reply.status == 422 && reply.code == "civil-registry-mismatch", "\(what): \(reply.text)")
            }
            // Ani herself, as her KTP prints her name or as she types it.
            let created = try await client.send(.post, "/api/accounts", json: client.signUpForm())
            #expect(created.status == 201, "\(created.text)")
        }
        let down = try await TestPortal(civilRegistry: UnreachableRegistry())
        try await down.test { client in
            let reply = try await client.send(.post, "/api/accounts", json: client.signUpForm())
            #expect(reply.status == 503 && reply.code == "civil-registry-unavailable")
        }
    }

    @Test("sign-up outside the registration window names the window")
    func outsideWindow() async throws {
        let portal = try await TestPortal()
        portal.clock.advance(seconds: 11 * 86_400)
        try await portal.test { client in
            let reply = try await client.send(.post, "/api/accounts", json: client.signUpForm())
            #expect(reply.status == 409 && reply.code == "outside-window")
            let message = (reply["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("WIB") && message.contains("–"), "\(message)")
        }
    }

    @Test("the email code works once; an application needs a verified address")
    func emailVerification() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            #expect(try await client.send(.post, "/api/accounts", json: client.signUpForm()).status == 201)
            let token = try await client.login("ani@contoh.id")
            let early = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft())
            #expect(early.status == 403 && early.code == "email-not-verified")
            let wrong = try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": "000000"])
            #expect(wrong.status == 422 && wrong.code == "invalid-code")
            // Asking for another code within the minute sends none (the first stays valid).
            #expect(try await client.send(.post, "/api/accounts/resend-code", json: ["email": "ani@contoh.id"]).status == 200)
            #expect(try await portal.service.store.pendingMail(limit: 10).count { $0.to == "ani@contoh.id" } == 1)
            let code = try await portal.mailedCode(to: "ani@contoh.id")
            #expect(try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": code]).status == 200)
            #expect(try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": code]).status == 422)
            let me = try await client.send(.get, "/api/me", token: token)
            #expect(me["emailVerified"] as? Bool == true && me["nik"] as? String == PortalClient.nik)
        }
    }

    @Test("a code cannot be walked through: five wrong guesses lock further tries")
    func codeGuessing() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            #expect(try await client.send(.post, "/api/accounts", json: client.signUpForm()).status == 201)
            let code = try await portal.mailedCode(to: "ani@contoh.id")
            for guess in 0..<5 {
                let reply = try await client.send(
                    .post,
                    "/api/accounts/verify-email",
                    json: ["email": "ani@contoh.id", "code": String(format: "%06d", guess == Int(code) ? 999_999 : guess)]
                )
                #expect(reply.status == 422)
            }
            let locked = try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": code])
            #expect(locked.status == 429 && locked.code == "too-many-attempts")
            portal.clock.advance(seconds: 16 * 60)
            #expect(try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": code]).status == 200)
        }
    }

    @Test("past five wrong passwords the answer is the same for any password, but the right one also earns a code by email that signs in; the window passes")
    func loginLimit() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            for _ in 0..<5 {
                let reply = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "salah-salah-salah"])
                #expect(reply.status == 401 && reply.code == "wrong-credentials")
            }
            let mailsBefore = try await portal.service.store.pendingMail(limit: 1000).count
            let wrong = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "salah-lagi-salah"])
            #expect(try await portal.service.store.pendingMail(limit: 1000).count == mailsBefore, "a wrong password over the limit mailed a code")
            let right = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "garam-dan-madu-42"])
            // Word for word the same answer: a guesser learns nothing.
            let message = { (reply: Reply) in (reply["error"] as? [String: Any])?["message"] as? String }
            #expect(right.status == 429 && right.code == "sign-in-code-required" && wrong.code == right.code && message(right) == message(wrong))
            let mail = try #require(try await portal.service.store.pendingMail(limit: 1000).last)
            #expect(mail.subject == "Kode masuk Seleksi" && mail.to == "ani@contoh.id")
            let code = try await portal.mailedCode(to: "ani@contoh.id")
            let badCode = try await client.send(.post, "/api/sessions/code", json: ["login": PortalClient.nik, "code": code == "000000" ? "111111" : "000000"])
            #expect(badCode.status == 422 && badCode.code == "invalid-code")
            let signedIn = try await client.send(.post, "/api/sessions/code", json: ["login": PortalClient.nik, "code": code])
            #expect(signedIn.status == 200 && signedIn["token"] is String, "\(signedIn.text)")
            let reused = try await client.send(.post, "/api/sessions/code", json: ["login": PortalClient.nik, "code": code])
            #expect(reused.status == 422)
            portal.clock.advance(seconds: 16 * 60)
            _ = try await client.login(PortalClient.nik)
        }
    }

    @Test("one account has one budget of password guesses, by email and by NIK alike; wrong email codes do not block its password reset")
    func limitsPerAccountAndPurpose() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            for login in [PortalClient.nik, "ani@contoh.id", "ANI@contoh.id ", PortalClient.nik, "ani@contoh.id"] {
                let reply = try await client.send(.post, "/api/sessions", json: ["login": login, "password": "salah-salah-salah"])
                #expect(reply.status == 401, "\(login): \(reply.text)")
            }
            for login in [PortalClient.nik, "ani@contoh.id"] {
                let locked = try await client.send(.post, "/api/sessions", json: ["login": login, "password": "salah-lagi-salah"])
                #expect(locked.status == 429 && locked.code == "sign-in-code-required", "\(login) got 5 more guesses")
            }
            // Five wrong verification codes (the address is verified, so each is wrong) ...
            for guess in 0..<5 {
                let reply = try await client.send(.post, "/api/accounts/verify-email", json: ["email": "ani@contoh.id", "code": String(format: "%06d", guess)])
                #expect(reply.status == 422)
            }
            // ... leave the reset code its own budget.
            #expect(try await client.send(.post, "/api/password-reset", json: ["email": "ani@contoh.id"]).status == 200)
            let code = try await portal.mailedCode(to: "ani@contoh.id")
            let reset = try await client.send(
                .post,
                "/api/password-reset/confirm",
                json: ["email": "ani@contoh.id", "code": code, "password": "madu-dan-garam-24"]
            )
            #expect(reset.status == 200, "\(reset.text)")
        }
    }

    @Test("the per-address limit stops guessing across many accounts")
    func addressLimit() async throws {
        var settings = TestPortal.settings
        settings.loginFailuresPerAddress = 3
        let portal = try await TestPortal(settings: settings)
        try await portal.test { client in
            for index in 0..<3 {
                let reply = try await client.send(.post, "/api/sessions", json: ["login": "orang\(index)@contoh.id", "password": "salah-salah-salah"])
                #expect(reply.status == 401)
            }
            let blocked = try await client.send(.post, "/api/sessions", json: ["login": "lain@contoh.id", "password": "salah-salah-salah"])
            #expect(blocked.status == 429)
        }
    }

    @Test("behind a trusted proxy each client has its own limit; a forwarded address from anyone else is not believed")
    func trustedProxies() async throws {
        var settings = TestPortal.settings
        settings.loginFailuresPerAddress = 2
        settings.trustedProxies = ["127.0.0.1"]
        let portal = try await TestPortal(settings: settings)
        try await portal.test(live: true) { client in
            func guess(from address: String) async throws -> Int {
                try await client.send(
                    .post,
                    "/api/sessions",
                    json: ["login": "orang@contoh.id", "password": "salah-salah-salah"],
                    headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9, \(address)"]
                ).status
            }
            var statuses: [Int] = []
            for address in ["10.1.1.1", "10.1.1.1", "10.1.1.1", "10.1.1.2"] { statuses.append(try await guess(from: address)) }
            // The client behind the proxy goes over its limit; another client behind the same proxy does not.
            #expect(statuses == [401, 401, 429, 401])
        }
        // Without a trusted proxy the header is the client's own claim: the peer is what counts.
        var open = TestPortal.settings
        open.loginFailuresPerAddress = 2
        let direct = try await TestPortal(settings: open)
        try await direct.test(live: true) { client in
            for (index, expected) in [401, 401, 429].enumerated() {
                let reply = try await client.send(
                    .post,
                    "/api/sessions",
                    json: ["login": "orang@contoh.id", "password": "salah-salah-salah"],
                    headers: [HTTPField.Name("X-Forwarded-For")!: "10.9.9.\(index)"]
                )
                #expect(reply.status == expected)
            }
        }
    }

    @Test("X-Forwarded-For is read from the right, past trusted proxies, and only from a trusted peer")
    func forwardedForRule() {
        let trusted: Set<String> = ["10.0.0.5", "10.0.0.6"]
        #expect(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: "1.2.3.4", trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: "6.6.6.6, 1.2.3.4, 10.0.0.6", trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "8.8.8.8", forwardedFor: "1.2.3.4", trustedProxies: trusted) == "8.8.8.8")
        #expect(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: nil, trustedProxies: trusted) == "10.0.0.5")
    }

    @Test("over the limit the checks are counted too: past as many again nothing is checked, so a flood costs no bcrypt and mails nothing")
    func overLimitCeiling() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            for _ in 0..<10 {
                _ = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "salah-salah-salah"])
            }
            let mails = try await portal.service.store.pendingMail(limit: 1000).count
            let right = try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "garam-dan-madu-42"])
            #expect(right.status == 429 && right.code == "sign-in-code-required")
            #expect(try await portal.service.store.pendingMail(limit: 1000).count == mails, "checked (and mailed) past the ceiling")
            // A stale or made-up bearer token on a public route is simply anonymous.
            let period = try await client.send(.get, "/api/period", token: "bukan-token-yang-berlaku")
            #expect(period.status == 200)
            let mine = try await client.send(.get, "/api/application", token: "bukan-token-yang-berlaku")
            #expect(mine.status == 401)
        }
    }

    @Test("a campus behind one address over its limit: an applicant with the right password gets in by the emailed code")
    func campusBehindOneAddress() async throws {
        var settings = TestPortal.settings
        settings.loginFailuresPerAddress = 3
        let portal = try await TestPortal(settings: settings)
        try await portal.test { client in
            _ = try await client.applicant()
            for index in 0..<3 {
                _ = try await client.send(.post, "/api/sessions", json: ["login": "orang\(index)@contoh.id", "password": "salah-salah-salah"])
            }
            let right = try await client.send(.post, "/api/sessions", json: ["login": "ani@contoh.id", "password": "garam-dan-madu-42"])
            #expect(right.status == 429 && right.code == "sign-in-code-required")
            let signedIn = try await client.send(
                .post,
                "/api/sessions/code",
                json: ["login": "ani@contoh.id", "code": try await portal.mailedCode(to: "ani@contoh.id")]
            )
            #expect(signedIn.status == 200, "\(signedIn.text)")
        }
    }

    @Test("password reset by email code ends old sessions and replaces the password")
    func passwordReset() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let old = try await client.applicant()
            let unknown = try await client.send(.post, "/api/password-reset", json: ["email": "tidak-ada@contoh.id"])
            #expect(unknown.status == 200)
            #expect(try await client.send(.post, "/api/password-reset", json: ["email": "ani@contoh.id"]).status == 200)
            let code = try await portal.mailedCode(to: "ani@contoh.id")
            let weak = try await client.send(.post, "/api/password-reset/confirm", json: ["email": "ani@contoh.id", "code": code, "password": "123456"])
            #expect(weak.status == 422 && weak.code == "weak-password")
            let done = try await client.send(
                .post,
                "/api/password-reset/confirm",
                json: ["email": "ani@contoh.id", "code": code, "password": "kopi-tubruk-pagi-7"]
            )
            #expect(done.status == 200)
            #expect(try await client.send(.get, "/api/me", token: old).status == 401)
            #expect(try await client.send(.post, "/api/sessions", json: ["login": "ani@contoh.id", "password": "garam-dan-madu-42"]).status == 401)
            _ = try await client.login("ani@contoh.id", password: "kopi-tubruk-pagi-7")
        }
    }

    @Test("failing in a staff member's name does not lock them out: over the limit a right password with a fresh code still signs in")
    func staffNotLockedOut() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let password = portal.staffSecrets["verif-keu"]!.password
            for _ in 0..<5 {
                let wrong = try await client.send(
                    .post,
                    "/api/staff/sessions",
                    json: ["username": "verif-keu", "password": "tebak-tebak-saja", "totp": "000000"]
                )
                #expect(wrong.status == 401)
            }
            let guess = try await client.send(.post, "/api/staff/sessions", json: ["username": "verif-keu", "password": "tebak-lagi-saja", "totp": "000000"])
            #expect(guess.status == 401)
            let owner = try await client.send(
                .post,
                "/api/staff/sessions",
                json: ["username": "verif-keu", "password": password, "totp": portal.totp("verif-keu")]
            )
            #expect(owner.status == 200, "\(owner.text)")
        }
    }

    @Test("staff need password and a fresh TOTP code; a code is not accepted twice")
    func staffLogin() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let password = portal.staffSecrets["verif-keu"]!.password
            let wrongCode = try await client.send(.post, "/api/staff/sessions", json: ["username": "verif-keu", "password": password, "totp": "000000"])
            #expect(wrongCode.status == 401)
            let oldCode = try await client.send(
                .post,
                "/api/staff/sessions",
                json: ["username": "verif-keu", "password": password, "totp": portal.totp("verif-keu", offsetSteps: -3)]
            )
            #expect(oldCode.status == 401)
            let code = portal.totp("verif-keu")
            let ok = try await client.send(.post, "/api/staff/sessions", json: ["username": "verif-keu", "password": password, "totp": code])
            #expect(ok.status == 200 && ok["role"] as? String == "verifier")
            let replay = try await client.send(.post, "/api/staff/sessions", json: ["username": "verif-keu", "password": password, "totp": code])
            #expect(replay.status == 401 && replay.code == "totp-reused", "\(replay.text)")
            #expect(wrongCode.code == "wrong-credentials")
            let admin = try await client.staff("admin")
            let audit = try await client.send(.get, "/api/admin/audit?actor=verif-keu", token: admin)
            let actions = (audit["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("staff.login"))
            // A failed attempt is recorded without trusting the typed name as the actor.
            let failed = try await client.send(.get, "/api/admin/audit?action=staff.login-failed", token: admin)
            let rows = failed["items"] as? [[String: Any]] ?? []
            #expect(rows.count == 3 && rows.allSatisfy { $0["actor"] as? String == "anonim" && $0["subject"] as? String == "verif-keu" })
            let fake = try await client.send(.post, "/api/staff/sessions", json: ["username": "admin\nPALSU", "password": "x", "totp": "1"])
            #expect(fake.status == 401)
        }
    }
}

extension AccountTests {
    @Test("guesses sent all at once are counted before they are checked: no more than the limit are ever tried")
    func concurrentGuesses() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            _ = try await client.applicant()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "salah-salah-salah"]).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count { $0 == 401 } == 5)
            #expect(statuses.count { $0 == 429 } == 15)
            // A right password after a wrong one is forgiven and does not count against the address.
            portal.clock.advance(seconds: 16 * 60)
            #expect(try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "salah-salah-salah"]).status == 401)
            #expect(try await client.send(.post, "/api/sessions", json: ["login": PortalClient.nik, "password": "garam-dan-madu-42"]).status == 200)
        }
    }
}

/// A registry whose service does not answer.
struct UnreachableRegistry: CivilRegistry {
    struct Down: Error {}
    func matches(nik: String, kk: String, name: String, birthDate: String) async throws -> Bool { throw Down() }
}
