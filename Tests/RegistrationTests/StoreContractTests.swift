import Foundation
import SeleksiCore
import Testing

@testable import Registration

/// The stores every contract test runs against. The PostgreSQL store joins this list
/// and runs the same tests unchanged.
enum StoreUnderTest: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite

    var testDescription: String { rawValue }

    /// A fresh, empty store (and what to remove afterwards).
    func make(clock: any ServerClock) throws -> (store: any RegistrationStore, cleanup: @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "seleksi-contract-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return (try SQLiteRegistrationStore.open(path: folder + "/portal.sqlite", clock: clock), { try? FileManager.default.removeItem(atPath: folder) })
        }
    }
}

/// What any `RegistrationStore` must do, written against the protocol only.
@Suite("Registration store contract")
struct StoreContractTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_790_000_000_000

    static func period(registrationCloses: Int64 = now + 10 * day) -> SelectionPeriod {
        SelectionPeriod(
            id: "p1",
            name: "Periode Uji",
            registration: Window(opens: now - day, closes: registrationCloses),
            verification: Window(opens: now - day, closes: now + 20 * day),
            objectionDays: 3,
            exam: Window(opens: now + 30 * day, closes: now + 40 * day),
            announcement: Window(opens: now + 50 * day, closes: now + 60 * day),
            participantPrefix: "26"
        )
    }

    static func account(_ nik: String = "3201014101990001", email: String = "ani@contoh.id") -> Account {
        Account(
            id: 0,
            periodID: "p1",
            nik: nik,
            kk: "3201010101100001",
            name: "Ani Lestari",
            birthPlace: "Bogor",
            birthDate: "1999-01-01",
            sex: .female,
            email: email,
            phone: "081234567890",
            emailVerified: false,
            createdAt: now
        )
    }

    static func code(_ purpose: OneTimeCode.Purpose, _ plain: String, expires: Int64 = now + 60_000) -> OneTimeCode {
        OneTimeCode(purpose: purpose, codeHash: "hash-" + plain, expiresAt: expires)
    }

    static let audit = AuditEntry(at: now, actor: "admin", role: "admin", action: "uji", subject: "s", detail: "")

    /// A store with the period, an agency, a formation and two slots.
    static func furnished(_ kind: StoreUnderTest) async throws -> (any RegistrationStore, @Sendable () -> Void) {
        let (store, cleanup) = try kind.make(clock: ManualClock(now))
        try await store.savePeriod(period(), audit: nil)
        try await store.saveAgency(Agency(id: "bkn", name: "Badan Kepegawaian Negara"), audit: nil)
        try await store.saveFormation(
            Formation(
                id: "F-1",
                periodID: "p1",
                agencyID: "bkn",
                position: "Analis SDM",
                unit: "Pusat",
                location: "Kupang",
                educationLevel: .s1,
                majors: ["Psikologi"],
                quota: 2,
                type: .general
            ),
            audit: nil
        )
        for (id, capacity) in [("kpg-1", 1), ("kpg-2", 5)] {
            try await store.saveSlot(
                ExamSlot(
                    id: id,
                    periodID: "p1",
                    venue: "UPT Kupang",
                    location: "Kupang",
                    startsAt: now + 31 * day,
                    timeZone: .wita,
                    sessionNumber: 1,
                    capacity: capacity
                ),
                now: now,
                freezeMilliseconds: 0,
                audit: nil
            )
        }
        return (store, cleanup)
    }

    static func draft() -> ApplicationDraft {
        ApplicationDraft(
            formationID: "F-1",
            education: Education(level: .s1, major: "Psikologi", diplomaNumber: "UI/1", gpa: 3.4, graduationYear: 2021),
            testLocation: "Kupang"
        )
    }

    @Test("accounts: one per NIK and per email; found by either; the first code is issued with its mail", arguments: StoreUnderTest.allCases)
    func accounts(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let mail = Mail(to: "ani@contoh.id", subject: "Kode", body: "123456", createdAt: Self.now)
        let created = try await store.createAccount(Self.account(), passwordHash: "h", code: Self.code(.verifyEmail, "1"), mail: mail)
        #expect(created.id > 0)
        await #expect(throws: RegistrationError.duplicateNIK) {
            _ = try await store.createAccount(Self.account(email: "lain@contoh.id"), passwordHash: "h", code: Self.code(.verifyEmail, "2"), mail: mail)
        }
        await #expect(throws: RegistrationError.duplicateEmail) {
            _ = try await store.createAccount(Self.account("9471010507980002"), passwordHash: "h", code: Self.code(.verifyEmail, "3"), mail: mail)
        }
        #expect(try await store.accountForLogin(periodID: "p1", nikOrEmail: "3201014101990001")?.account.id == created.id)
        #expect(try await store.accountForLogin(periodID: "p1", nikOrEmail: "ani@contoh.id")?.passwordHash == "h")
        #expect(try await store.pendingMail(limit: 10).map(\.to) == ["ani@contoh.id"])
    }

    @Test("codes are used once, only before they expire, only for their purpose; a new code ends the older one", arguments: StoreUnderTest.allCases)
    func codes(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let mail = Mail(to: "ani@contoh.id", subject: "Kode", body: "", createdAt: Self.now)
        let account = try await store.createAccount(Self.account(), passwordHash: "h", code: Self.code(.verifyEmail, "1"), mail: mail)
        #expect(try await store.useCode(accountID: account.id, purpose: .resetPassword, codeHash: "hash-1", now: Self.now) == false)
        #expect(try await store.confirmEmail(accountID: account.id, codeHash: "hash-1", now: Self.now))
        #expect(try await store.confirmEmail(accountID: account.id, codeHash: "hash-1", now: Self.now) == false)
        #expect(try await store.account(id: account.id)?.emailVerified == true)
        try await store.issueCode(accountID: account.id, Self.code(.signIn, "2"), mail: mail)
        try await store.issueCode(accountID: account.id, Self.code(.signIn, "3"), mail: mail)
        #expect(try await store.useCode(accountID: account.id, purpose: .signIn, codeHash: "hash-2", now: Self.now) == false, "the older code still worked")
        #expect(try await store.useCode(accountID: account.id, purpose: .signIn, codeHash: "hash-3", now: Self.now + 61_000) == false, "an expired code worked")
        #expect(try await store.latestCodeExpiry(accountID: account.id, purpose: .signIn) == Self.now + 60_000)
    }

    @Test("login limits: counted before checked, refused at the limit with nothing recorded, withdrawn and cleared", arguments: StoreUnderTest.allCases)
    func loginLimits(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let since = Self.now - 60_000
        let first = try await store.beginLoginAttempt(limits: [("akun", 2), ("alamat", 10)], since: since, at: Self.now)
        #expect(first?.count == 2)
        #expect(try await store.beginLoginAttempt(limits: [("akun", 2)], since: since, at: Self.now) != nil)
        #expect(try await store.beginLoginAttempt(limits: [("akun", 2), ("alamat", 10)], since: since, at: Self.now) == nil)
        // Refused, so the address was not counted: it has one failure, and one more fits under 2.
        #expect(try await store.beginLoginAttempt(limits: [("alamat", 2)], since: since, at: Self.now) != nil)
        #expect(try await store.beginLoginAttempt(limits: [("alamat", 2)], since: since, at: Self.now) == nil)
        try await store.withdrawLoginAttempt(ids: first ?? [])
        #expect(try await store.beginLoginAttempt(limits: [("alamat", 2)], since: since, at: Self.now) != nil)
        try await store.clearLoginFailures(key: "akun")
        #expect(try await store.beginLoginAttempt(limits: [("akun", 1)], since: since, at: Self.now) != nil)
        // Old failures no longer count.
        #expect(try await store.beginLoginAttempt(limits: [("akun", 1)], since: Self.now + 1, at: Self.now + 2) != nil)
    }

    @Test("sessions: found by token digest until they expire, and ended", arguments: StoreUnderTest.allCases)
    func sessions(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let account = try await store.createAccount(
            Self.account(),
            passwordHash: "h",
            code: Self.code(.verifyEmail, "1"),
            mail: Mail(to: "a", subject: "", body: "", createdAt: 0)
        )
        let session = AuthSession(principal: .applicant(accountID: account.id), csrf: "c", expiresAt: Self.now + 1_000)
        try await store.createSession(tokenHash: "t1", session, audit: nil)
        #expect(try await store.session(tokenHash: "t1", now: Self.now)?.csrf == "c")
        #expect(try await store.session(tokenHash: "t1", now: Self.now + 1_001) == nil)
        try await store.createSession(tokenHash: "t2", session, audit: nil)
        try await store.deleteSession(tokenHash: "t2")
        #expect(try await store.session(tokenHash: "t2", now: Self.now) == nil)
    }

    @Test("an application: one per account, locked once submitted, never without its documents", arguments: StoreUnderTest.allCases)
    func applications(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let account = try await store.createAccount(
            Self.account(),
            passwordHash: "h",
            code: Self.code(.verifyEmail, "1"),
            mail: Mail(to: "a", subject: "", body: "", createdAt: 0)
        )
        let application = try await store.createApplication(accountID: account.id, periodID: "p1", draft: Self.draft(), now: Self.now)
        await #expect(throws: RegistrationError.self) {
            _ = try await store.createApplication(accountID: account.id, periodID: "p1", draft: Self.draft(), now: Self.now)
        }
        let required = ["foto": "Pas foto", "ijazah": "Ijazah"]
        await #expect(throws: RegistrationError.missingDocuments(["Pas foto", "Ijazah"])) {
            try await store.submit(applicationID: application.id, requiredKinds: required, now: Self.now)
        }
        for kind in required.keys {
            _ = try await store.replaceDocument(
                applicationID: application.id,
                StoredDocument(kind: kind, contentType: "x", size: 1, sha256: kind, path: kind, uploadedAt: Self.now)
            )
        }
        try await store.submit(applicationID: application.id, requiredKinds: required, now: Self.now)
        #expect(try await store.application(id: application.id)?.status == .submitted)
        await #expect(throws: RegistrationError.locked) { try await store.updateDraft(applicationID: application.id, draft: Self.draft(), now: Self.now) }
        // Applied to: the formation's conditions are frozen, its quota is not.
        var changed = try #require(try await store.formation(id: "F-1"))
        changed.quota = 5
        try await store.saveFormation(changed, audit: nil)
        changed.majors = ["Manajemen"]
        await #expect(throws: RegistrationError.self) { try await store.saveFormation(changed, audit: nil) }
        #expect(try await store.formation(id: "F-1")?.majors == ["Psikologi"])
    }

    @Test("results are announced once, after registration, when every application is decided; seats respect capacity", arguments: StoreUnderTest.allCases)
    func announcementAndSeats(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        var ids: [Int64] = []
        for (index, nik) in ["3201014101990001", "3201014101990002"].enumerated() {
            let account = try await store.createAccount(
                Self.account(nik, email: "a\(index)@contoh.id"),
                passwordHash: "h",
                code: Self.code(.verifyEmail, "\(index)"),
                mail: Mail(to: "a", subject: "", body: "", createdAt: 0)
            )
            let application = try await store.createApplication(accountID: account.id, periodID: "p1", draft: Self.draft(), now: Self.now)
            try await store.submit(applicationID: application.id, requiredKinds: [:], now: Self.now + Int64(index))
            ids.append(application.id)
        }
        await #expect(throws: RegistrationError.self) { _ = try await store.announceResults(periodID: "p1", at: Self.now, confirmed: nil, audit: Self.audit) }
        try await store.savePeriod(Self.period(registrationCloses: Self.now - 1), audit: nil)
        let pending = await #expect(throws: RegistrationError.self) {
            _ = try await store.announceResults(periodID: "p1", at: Self.now, confirmed: nil, audit: Self.audit)
        }
        #expect(pending?.code == "verification-pending")
        let undecided = try await store.verificationTally(periodID: "p1")
        for id in ids {
            try await store.recordVerification(
                applicationID: id,
                Verification(result: .ms, reasonCode: nil, note: "", by: "v", at: Self.now),
                audit: Self.audit
            )
        }
        // A confirmation of other decisions than these (one made since the preview) is refused.
        #expect(try await store.verificationTally(periodID: "p1").decisions != undecided.decisions)
        let changed = await #expect(throws: RegistrationError.self) {
            _ = try await store.announceResults(periodID: "p1", at: Self.now, confirmed: undecided.decisions, audit: Self.audit)
        }
        #expect(changed?.code == "decisions-changed")
        let announced = try await store.announceResults(
            periodID: "p1",
            at: Self.now,
            confirmed: try await store.verificationTally(periodID: "p1").decisions,
            audit: Self.audit
        )
        #expect(announced.resultsAnnouncedAt == Self.now)
        let again = await #expect(throws: RegistrationError.self) {
            _ = try await store.announceResults(periodID: "p1", at: Self.now, confirmed: nil, audit: Self.audit)
        }
        #expect(again?.code == "already-announced")
        let seats = try await store.assignSeats(period: announced, now: 0, freezeMilliseconds: 0, audit: Self.audit)
        #expect(seats == (2, 0))
        let slots = try await store.slots(periodID: "p1")
        #expect(slots.map(\.assigned) == [1, 1])
        let numbers = try await ids.asyncMap { try await store.application(id: $0)?.assignment?.participantNumber }
        #expect(numbers == [ParticipantNumber.make(prefix: "26", serial: 1), ParticipantNumber.make(prefix: "26", serial: 2)])
        // The full slot refuses a move; its capacity cannot drop below who is seated.
        await #expect(throws: RegistrationError.slotFull) {
            try await store.moveSeat(applicationID: ids[1], slotID: "kpg-1", now: 0, freezeMilliseconds: 0, audit: Self.audit)
        }
        var shrunk = try #require(slots.first { $0.id == "kpg-2" })
        shrunk.capacity = 0
        await #expect(throws: RegistrationError.self) { try await store.saveSlot(shrunk, now: 0, freezeMilliseconds: 0, audit: nil) }
    }

    @Test("the audit log and the outbox", arguments: StoreUnderTest.allCases)
    func auditAndOutbox(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        try await store.appendAudit(
            AuditEntry(at: Self.now, actor: "verif", role: "verifier", action: "verification.decide", subject: "lamaran:1", detail: "MS")
        )
        try await store.appendAudit(AuditEntry(at: Self.now, actor: "admin", role: "admin", action: "seats.assign", subject: "p1", detail: ""))
        #expect(try await store.audit(AuditFilter(actor: "verif")).map(\.action) == ["verification.decide"])
        _ = try await store.createAccount(
            Self.account(),
            passwordHash: "h",
            code: Self.code(.verifyEmail, "1"),
            mail: Mail(to: "ani@contoh.id", subject: "s", body: "b", createdAt: 1)
        )
        let pending = try await store.pendingMail(limit: 10)
        #expect(pending.count == 1)
        try await store.markMailSent(id: pending[0].id, at: Self.now)
        #expect(try await store.pendingMail(limit: 10).isEmpty)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

extension StoreContractTests {

    @Test("the timetable keeps every field; an edit never sets or clears the announcement", arguments: StoreUnderTest.allCases)
    func timetable(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        var period = Self.period()
        period.name = "Periode Ubah"
        period.objectionDays = 5
        period.participantPrefix = "2701"
        period.resultsAnnouncedAt = Self.now
        try await store.savePeriod(period, audit: nil)
        var expected = period
        expected.resultsAnnouncedAt = nil
        #expect(try await store.currentPeriod() == expected)
    }

    @Test("a batch of formations is saved whole or not at all, and names the one refused", arguments: StoreUnderTest.allCases)
    func formationBatch(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        func formation(_ id: String, agency: String = "bkn") -> Formation {
            Formation(
                id: id,
                periodID: "p1",
                agencyID: agency,
                position: "Arsiparis",
                unit: "Pusat",
                location: "Kupang",
                educationLevel: .d3,
                majors: ["Kearsipan"],
                quota: 1,
                type: .general
            )
        }
        let audits = [Self.audit, Self.audit]
        do {
            try await store.saveFormations([formation("F-2"), formation("F-3", agency: "kemenkes")], audits: audits)
            Issue.record("an unknown agency was accepted")
        } catch let refused as RefusedInBatch {
            #expect(refused.index == 1 && refused.refusal.code == "unknown-agency")
        }
        #expect(try await store.formation(id: "F-2") == nil)
        // F-1 has an applicant: its education is frozen.
        let account = try await store.createAccount(
            Self.account(),
            passwordHash: "h",
            code: Self.code(.verifyEmail, "1"),
            mail: Mail(to: "ani@contoh.id", subject: "", body: "", createdAt: Self.now)
        )
        _ = try await store.createApplication(accountID: account.id, periodID: "p1", draft: Self.draft(), now: Self.now)
        do {
            try await store.saveFormations([formation("F-2"), formation("F-1")], audits: audits)
            Issue.record("a formation with an applicant changed its education")
        } catch let refused as RefusedInBatch {
            #expect(refused.index == 1 && refused.refusal.code == "formation-has-applicants")
        }
        #expect(try await store.formation(id: "F-2") == nil)
        let before = try await store.audit(AuditFilter(action: "uji")).count
        try await store.saveFormations([formation("F-2"), formation("F-3")], audits: audits)
        #expect(try await store.formation(id: "F-3")?.educationLevel == .d3)
        #expect(try await store.audit(AuditFilter(action: "uji")).count == before + 2)
    }

    @Test(
        "a NIK claim: one pending per NIK, only against an active holder; upheld, the holder is frozen and the NIK and email are free",
        arguments: StoreUnderTest.allCases
    )
    func claims(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let mail = Mail(to: "ani@contoh.id", subject: "", body: "", createdAt: Self.now)
        let claim = NIKClaim(
            id: 0,
            periodID: "p1",
            nik: "3201014101990001",
            kk: "3201010101100001",
            name: "Ani Lestari",
            birthDate: "1999-01-01",
            email: "ani@contoh.id",
            phone: "081234567890",
            statement: "NIK saya dipakai orang lain",
            heldAccountID: 0,
            documents: [StoredDocument(kind: "ktp", contentType: "image/jpeg", size: 3, sha256: "s", path: "/x", uploadedAt: Self.now)],
            filedAt: Self.now
        )
        await #expect(throws: RegistrationError.nikNotTaken) { _ = try await store.fileClaim(claim, mails: [mail], audit: Self.audit) }
        let holder = try await store.createAccount(
            Self.account(email: "lain@contoh.id"),
            passwordHash: "h",
            code: Self.code(.verifyEmail, "1"),
            mail: mail
        )
        try await store.createSession(
            tokenHash: "t",
            AuthSession(principal: .applicant(accountID: holder.id), csrf: "c", expiresAt: Self.now + 60_000),
            audit: nil
        )
        let filed = try await store.fileClaim(claim, mails: [mail], audit: Self.audit)
        #expect(filed.id > 0 && filed.heldAccountID == holder.id && filed.status == .pending)
        #expect(try await store.claim(id: filed.id) == filed)
        await #expect(throws: RegistrationError.claimPending) { _ = try await store.fileClaim(claim, mails: [], audit: Self.audit) }
        let decided = try await store.decideClaim(id: filed.id, upheld: true, by: "verif", at: Self.now, note: "KTP asli", mails: [], audit: [Self.audit])
        #expect(decided.status == .upheld && decided.decidedBy == "verif")
        await #expect(throws: RegistrationError.claimDecided) {
            _ = try await store.decideClaim(id: filed.id, upheld: false, by: "verif", at: Self.now, note: "lagi", mails: [], audit: [])
        }
        #expect(try await store.account(id: holder.id)?.frozenAt == Self.now)
        #expect(try await store.session(tokenHash: "t", now: Self.now) == nil)
        #expect(try await store.accountForLogin(periodID: "p1", nikOrEmail: "lain@contoh.id") == nil)
        // The NIK and the email belong to no active account any more.
        let owner = try await store.createAccount(Self.account(email: "lain@contoh.id"), passwordHash: "h2", code: Self.code(.verifyEmail, "2"), mail: mail)
        #expect(try await store.accountForLogin(periodID: "p1", nikOrEmail: "3201014101990001")?.account.id == owner.id)
        #expect(try await store.claims(periodID: "p1", status: .upheld).map(\.id) == [filed.id])
    }

}

extension StoreContractTests {
    static func announcement(_ version: Int, at publishedAt: Int64, previous: String?) -> StoredAnnouncement {
        StoredAnnouncement(
            stage: "skd",
            version: version,
            digest: String(repeating: "\(version)", count: 64),
            previousDigest: previous,
            contentDigest: "isi-\(version)",
            publishedAt: publishedAt,
            createdAt: Self.now,
            createdBy: "admin",
            rows: 1
        )
    }

    @Test(
        "announcements: appended in order; a scheduled version is withdrawn only while it is the latest and before its time",
        arguments: StoreUnderTest.allCases
    )
    func announcements(_ kind: StoreUnderTest) async throws {
        let (store, cleanup) = try await Self.furnished(kind)
        defer { cleanup() }
        let first = Self.announcement(1, at: Self.now - 1, previous: nil)
        let second = Self.announcement(2, at: Self.now + 60_000, previous: first.digest)
        let third = Self.announcement(3, at: Self.now + 120_000, previous: second.digest)
        for item in [first, second, third] { try await store.appendAnnouncement(item, file: Data("{}".utf8), periodID: "p1", audit: Self.audit) }
        #expect(try await store.announcements(periodID: "p1", stage: "skd", visibleAt: Self.now).map(\.version) == [1])
        func withdraw(_ version: Int) async throws -> StoredAnnouncement {
            try await store.withdrawScheduledAnnouncement(periodID: "p1", stage: "skd", version: version, now: Self.now, audit: Self.audit)
        }
        // A later version refers to it: that one goes first.
        let notLatest = await #expect(throws: RegistrationError.self) { _ = try await withdraw(2) }
        #expect(notLatest?.code == "announcement-not-latest")
        #expect(try await withdraw(3) == third)
        #expect(try await withdraw(2) == second)
        #expect(try await store.announcementFile(periodID: "p1", stage: "skd", version: 2, visibleAt: nil) == nil)
        // Public already, or none such: refused, and nothing changes.
        let shown = await #expect(throws: RegistrationError.self) { _ = try await withdraw(1) }
        #expect(shown?.code == "announcement-public")
        let missing = await #expect(throws: RegistrationError.self) { _ = try await withdraw(4) }
        #expect(missing?.code == "not-found")
        #expect(try await store.announcements(periodID: "p1", stage: "skd", visibleAt: nil) == [first])
        // The next one is version 2 again, chained to the first.
        try await store.appendAnnouncement(
            Self.announcement(2, at: Self.now + 300_000, previous: first.digest),
            file: Data("{}".utf8),
            periodID: "p1",
            audit: Self.audit
        )
        #expect(try await store.announcements(periodID: "p1", stage: "skd", visibleAt: nil).map(\.version) == [1, 2])
    }
}
