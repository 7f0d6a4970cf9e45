import ExamEngine
import Foundation
import SeleksiAuth
public import SeleksiCore

/// The portal's domain operations, shared by the JSON API and the pages: every
/// window, rule and scope is checked here, once.
public struct RegistrationService: Sendable {
    public let store: any RegistrationStore
    public let clock: any ServerClock
    public let settings: PortalSettings
    /// Where uploaded documents live (`DATA/documents`).
    public let documentDirectory: String
    /// The test locations (from the exam slots), which every save of the form checks.
    let locationCache: TTLCache<[String]>

    /// The civil registry (Dukcapil) every sign-up's NIK, KK, name and birth date is
    /// checked against; nil only where none is configured (`civil_registry`).
    public let civilRegistry: (any CivilRegistry)?
    /// The key access codes are derived with (`DATA/access-code.key`): the portal stores no code.
    let accessCodeKey: [UInt8]
    /// The password rules, with the common-password list read once at start.
    let passwords: PasswordPolicy
    /// The exam's rule set (`exam_rules`), read once at start: every exam card, form and
    /// roster uses it, and a file that cannot be read is reported where it is needed.
    let examRules: Result<RuleSet, RegistrationError>
    /// The SKB plans (`kind: skb-plan`) beside the exam's rule set, read once at start.
    let skbPlans: Result<SKBPlans, RegistrationError>

    public init(
        store: any RegistrationStore,
        clock: any ServerClock,
        settings: PortalSettings,
        documentDirectory: String,
        civilRegistry: (any CivilRegistry)? = nil
    ) throws {
        do {
            accessCodeKey = try SecretKeyFile.loadOrCreate(path: settings.data + "/access-code.key")
        } catch {
            throw RegistrationError("access-code-key", kind: .internal, "Kunci kode akses: \(error.message)")
        }
        do {
            let list = PasswordPolicy.commonList(try String(contentsOfFile: settings.commonPasswords, encoding: .utf8))
            guard list.count >= 1_000 else {
                throw RegistrationError(
                    "common-passwords",
                    kind: .internal,
                    "Daftar kata sandi umum \(settings.commonPasswords) hanya memuat \(list.count) kata sandi."
                )
            }
            passwords = PasswordPolicy(minimumLength: settings.passwordMinimumLength, common: list)
        } catch let error as RegistrationError {
            throw error
        } catch {
            throw RegistrationError("common-passwords", kind: .internal, "Daftar kata sandi umum \(settings.commonPasswords) tidak dapat dibaca: \(error)")
        }
        do {
            examRules = .success(try RuleSetLoader.load(file: settings.examRules))
        } catch {
            examRules = .failure(RegistrationError("exam-rules", kind: .internal, "Aturan ujian \(settings.examRules) tidak dapat dibaca: \(error)"))
        }
        let rulesDirectory = (settings.examRules as NSString).deletingLastPathComponent
        let plans = SKBPlanLoader.loadAll(directory: rulesDirectory, ruleSets: RuleSetLoader.loadAll(directory: rulesDirectory).ruleSets)
        skbPlans =
            plans.problems.isEmpty
            ? .success(SKBPlans(plans.plans))
            : .failure(RegistrationError("skb-plans", kind: .internal, "Rencana SKB di \(rulesDirectory) bermasalah: \(BankProblems(plans.problems))"))
        self.store = store
        self.clock = clock
        self.civilRegistry = civilRegistry
        self.locationCache = TTLCache(clock: clock, lifetimeMilliseconds: 1_000)
        self.settings = settings
        self.documentDirectory = documentDirectory
    }

    var now: Int64 { clock.nowMilliseconds() }
    var eligibility: Eligibility { Eligibility(minimumAge: settings.minimumAge, cumlaudeMinimumGPA: settings.cumlaudeMinimumGPA) }

    // MARK: - Public

    public func period() async throws -> SelectionPeriod {
        guard let period = try await store.currentPeriod() else { throw RegistrationError.noPeriod }
        return period
    }

    public func formations(_ filter: FormationFilter) async throws -> (period: SelectionPeriod, items: [Formation], total: Int) {
        let period = try await period()
        let (items, total) = try await store.formations(periodID: period.id, filter: filter)
        return (period, items, total)
    }

    public func formation(id: String) async throws -> Formation {
        let period = try await period()
        guard let formation = try await store.formation(id: id), formation.periodID == period.id else { throw RegistrationError.notFound }
        return formation
    }

    /// The current period's exam slots.
    public func agencies() async throws -> [Agency] { try await store.agencies() }

    public func slots() async throws -> [ExamSlot] {
        try await store.slots(periodID: try await period().id)
    }

    /// Test locations that have exam slots, for the application form.
    public func testLocations() async throws -> [String] {
        try await locationCache.value("") { Array(Set(try await slots().map(\.location))).sorted() }
    }

    func require(_ window: Window, _ what: String) throws {
        guard window.contains(now) else { throw RegistrationError.outsideWindow(what, window) }
    }

    // MARK: - Accounts

    /// Creates an account and sends the email code. Allowed while registration is open.
    public func signUp(_ form: SignUp, address: String) async throws -> Account {
        let period = try await period()
        try require(period.registration, "Pembuatan akun")
        let checked = try SignUpRules.check(form, passwords: passwords).get()
        // Sign-ups per address are limited (one machine taking NIKs in bulk), and every
        // sign-up counts, taken or not.
        guard
            try await store.beginLoginAttempt(
                limits: [("sign-up-address:" + address, settings.signUpsPerAddress)],
                since: now - 3_600_000,
                at: now
            ) != nil
        else { throw RegistrationError.tooManySignUps }
        // The NIK must be this person's, as the civil registry knows them.
        if let civilRegistry {
            let kk = form.kk.filter { !$0.isWhitespace }
            let matches: Bool
            do {
                matches = try await civilRegistry.matches(
                    nik: checked.nik.digits,
                    kk: kk,
                    name: form.name.trimmingCharacters(in: .whitespaces),
                    birthDate: form.birthDate
                )
            } catch {
                throw RegistrationError.civilRegistryUnavailable
            }
            guard matches else { throw RegistrationError.civilRegistryMismatch }
        }
        // The duplicates are refused before bcrypt is paid for.
        if try await store.accountForLogin(periodID: period.id, nikOrEmail: checked.nik.digits) != nil { throw RegistrationError.duplicateNIK }
        if try await store.accountForLogin(periodID: period.id, nikOrEmail: checked.email) != nil { throw RegistrationError.duplicateEmail }
        let hash = try await hashPassword(form.password)
        let (code, plain) = newCode(.verifyEmail)
        let account = Account(
            id: 0,
            periodID: period.id,
            nik: checked.nik.digits,
            kk: form.kk.filter { !$0.isWhitespace },
            name: form.name.trimmingCharacters(in: .whitespaces),
            birthPlace: form.birthPlace.trimmingCharacters(in: .whitespaces),
            birthDate: form.birthDate,
            sex: checked.sex,
            email: checked.email,
            phone: checked.phone,
            emailVerified: false,
            createdAt: now
        )
        return try await store.createAccount(
            account,
            passwordHash: hash,
            code: code,
            mail: verificationMail(to: checked.email, name: account.name, code: plain)
        )
    }

    /// The applicant's name in a message, after the system's own text and marked as what
    /// was typed at sign-up: a stranger's address may receive it (the sign-up names any
    /// email), so the name must never read as the system's instruction.
    static func typedName(_ name: String) -> String {
        "Nama yang diisikan saat pendaftaran: \"\(name)\""
    }

    func verificationMail(to: String, name: String, code: String) -> Mail {
        Mail(
            to: to,
            subject: "Kode verifikasi email Seleksi",
            body: """
                Kode verifikasi email Anda: \(code)
                Kode berlaku \(settings.codeMinutes) menit. Masukkan di halaman Verifikasi Email bersama alamat email ini.
                Jika Anda tidak mendaftar, abaikan pesan ini; akun tidak aktif tanpa kode ini.

                \(Self.typedName(name))
                """,
            createdAt: now
        )
    }

    /// Codes are guessed at most as often as passwords: the same limits per address and
    /// per email, so a 6-digit code cannot be walked through.
    public func verifyEmail(email: String, code: String, address: String) async throws {
        let period = try await period()
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let found = try await store.accountForLogin(periodID: period.id, nikOrEmail: email)
        let key = Self.attemptKey(found?.0, typed: email, .verifyEmail)
        let attempt = try await beginAttempt(accountKey: key, address: address)
        guard let (account, _) = found,
            try await store.confirmEmail(accountID: account.id, codeHash: SecretToken.digest(code.trimmingCharacters(in: .whitespaces)), now: now)
        else { throw RegistrationError.wrongCode }
        try await succeeded(attempt, accountKey: key)
    }

    /// A new code at most once a minute per account and purpose, so that asking again
    /// can neither flood a mailbox nor keep killing the code the owner is typing.
    func mayIssueCode(accountID: Int64, _ purpose: OneTimeCode.Purpose) async throws -> Bool {
        guard let expiry = try await store.latestCodeExpiry(accountID: accountID, purpose: purpose) else { return true }
        return now >= expiry - Int64(settings.codeMinutes) * 60_000 + 60_000
    }

    /// Sends a new email code; says nothing about whether the address exists.
    public func resendVerification(email: String) async throws {
        let period = try await period()
        guard let (account, _) = try await store.accountForLogin(periodID: period.id, nikOrEmail: email.trimmingCharacters(in: .whitespaces).lowercased()),
            !account.emailVerified, try await mayIssueCode(accountID: account.id, .verifyEmail)
        else { return }
        let (code, plain) = newCode(.verifyEmail)
        try await store.issueCode(accountID: account.id, code, mail: verificationMail(to: account.email, name: account.name, code: plain))
    }

    /// Logs an applicant in by NIK or email. Failures are limited per account and per
    /// network address, so neither one guessed account nor one guessing machine gets far.
    public func login(nikOrEmail: String, password: String, address: String) async throws -> (token: String, session: AuthSession) {
        let period = try await period()
        let identifier = nikOrEmail.trimmingCharacters(in: .whitespaces)
        let found = try await store.accountForLogin(periodID: period.id, nikOrEmail: identifier)
        let accountKey = Self.attemptKey(found?.0, typed: identifier, .password)
        let attempt: [Int64]
        do {
            attempt = try await beginAttempt(accountKey: accountKey, address: address)
        } catch let refusal as RegistrationError where refusal.code == "too-many-attempts" {
            // Over a limit (a guesser, or a campus behind one address): the right password
            // earns a code by email instead of a refusal; the answer does not say which.
            // These checks are counted too, against as many again: past that, nothing is
            // checked (bcrypt is the CPU a flood would take).
            guard try await mayCheckOverLimit(accountKey: accountKey, address: address) else {
                throw RegistrationError.signInCodeRequired(minutes: settings.codeMinutes)
            }
            // An unknown login costs the same bcrypt as a known one here too.
            let matches = try await verifyPassword(password, hash: found?.passwordHash ?? dummyHash)
            if let (account, _) = found, matches, try await mayIssueCode(accountID: account.id, .signIn) {
                let (code, plain) = newCode(.signIn)
                try await store.issueCode(accountID: account.id, code, mail: signInCodeMail(to: account, code: plain, address: address))
            }
            throw RegistrationError.signInCodeRequired(minutes: settings.codeMinutes)
        }
        // An unknown login costs the same bcrypt as a known one, so timing does not tell which accounts exist.
        let matches = try await verifyPassword(password, hash: found?.passwordHash ?? dummyHash)
        guard let (account, _) = found, matches else { throw RegistrationError.wrongLogin }
        try await succeeded(attempt, accountKey: accountKey)
        return try await startSession(.applicant(accountID: account.id), audit: nil)
    }

    /// What a guess is limited by: what is guessed (a password, or the code of one
    /// purpose) of which account. Keyed by the account, not by what was typed, so its
    /// email and its NIK share one budget; by purpose, so wrong email codes do not block
    /// the same person's password reset. A login matching no account is limited by what was typed.
    static func attemptKey(_ account: Account?, typed: String, _ purpose: AttemptPurpose) -> String {
        guard let account else { return "unknown:\(purpose.rawValue):" + typed.lowercased() }
        return "account:\(account.id):\(purpose.rawValue)"
    }

    enum AttemptPurpose: String {
        case password
        case verifyEmail = "verify-email"
        case resetPassword = "reset-password"
        case signInCode = "sign-in-code"
    }

    /// The second step of a sign-in over a limit: the emailed code. Limited per account
    /// only (5 guesses of a 6-digit code), never per address, so a shared address still gets in.
    public func loginWithCode(nikOrEmail: String, code: String, address: String) async throws -> (token: String, session: AuthSession) {
        let period = try await period()
        let identifier = nikOrEmail.trimmingCharacters(in: .whitespaces)
        let found = try await store.accountForLogin(periodID: period.id, nikOrEmail: identifier)
        let key = Self.attemptKey(found?.0, typed: identifier, .signInCode)
        let since = loginWindowStart
        // Per account and address, so a stranger's wrong codes do not lock the owner out; and a
        // ceiling per account (ten times as many) that a six-digit code cannot be walked within.
        guard
            let attempt = try await store.beginLoginAttempt(
                limits: [(key + ":" + address, settings.loginFailuresPerAccount), (key, settings.loginFailuresPerAccount * 10)],
                since: since,
                at: now
            )
        else {
            throw RegistrationError.tooManyAttempts(minutes: settings.loginWindowMinutes)
        }
        guard let (account, _) = found,
            try await store.useCode(accountID: account.id, purpose: .signIn, codeHash: SecretToken.digest(code.trimmingCharacters(in: .whitespaces)), now: now)
        else { throw RegistrationError.wrongCode }
        try await store.withdrawLoginAttempt(ids: attempt)
        // The password was right and the mailbox is the owner's: their failures are forgiven.
        try await store.clearLoginFailures(key: Self.attemptKey(account, typed: identifier, .password))
        return try await startSession(.applicant(accountID: account.id), audit: nil)
    }

    func signInCodeMail(to account: Account, code: String, address: String) -> Mail {
        Mail(
            to: account.email,
            subject: "Kode masuk Seleksi",
            body: """
                Kode masuk Anda: \(code)
                Kode berlaku \(settings.codeMinutes) menit. Kode ini dikirim karena ada terlalu banyak percobaan masuk yang gagal dari jaringan Anda atau untuk akun Anda, lalu kata sandi yang benar dimasukkan dari alamat \(address).
                Jika itu bukan Anda, segera ganti kata sandi Anda lewat "Lupa kata sandi".

                \(Self.typedName(account.name))
                """,
            createdAt: now
        )
    }

    /// Counts this guess against the limits per account (or code) and per address before
    /// it is checked; a guess that turns out wrong simply stays counted. Throws
    /// `tooManyAttempts` once either limit is reached.
    func beginAttempt(accountKey: String, address: String) async throws -> [Int64] {
        let since = loginWindowStart
        guard
            let ids = try await store.beginLoginAttempt(
                limits: [(accountKey, settings.loginFailuresPerAccount), ("address:" + address, settings.loginFailuresPerAddress)],
                since: since,
                at: now
            )
        else { throw RegistrationError.tooManyAttempts(minutes: settings.loginWindowMinutes) }
        return ids
    }

    /// Over a limit, a sign-in is still checked (so the right person gets in by a second
    /// step), but these checks are counted against a ceiling of as many again: past it,
    /// nothing is checked, so a flood costs no bcrypt.
    func mayCheckOverLimit(accountKey: String, address: String) async throws -> Bool {
        try await store.beginLoginAttempt(
            limits: [("over:" + accountKey, settings.loginFailuresPerAccount), ("over-address:" + address, settings.loginFailuresPerAddress)],
            since: loginWindowStart,
            at: now
        ) != nil
    }

    /// Failures since this instant count against the login limits.
    var loginWindowStart: Int64 { now - Int64(settings.loginWindowMinutes) * 60_000 }

    /// The guess was right: the account's failures are forgiven, and this attempt does not
    /// count against the address (a shared campus address logs many people in).
    func succeeded(_ attempt: [Int64], accountKey: String) async throws {
        try await store.withdrawLoginAttempt(ids: attempt)
        try await store.clearLoginFailures(key: accountKey)
    }

    func startSession(_ principal: Principal, audit: AuditEntry?) async throws -> (token: String, session: AuthSession) {
        let token = SecretToken.generate().text
        let session = AuthSession(principal: principal, csrf: SecretToken.generate().text, expiresAt: now + Int64(settings.sessionHours) * 3_600_000)
        try await store.createSession(tokenHash: SecretToken.digest(token), session, audit: audit)
        return (token, session)
    }

    public func authenticate(token: String) async throws -> AuthSession? {
        try await store.session(tokenHash: SecretToken.digest(token), now: now)
    }

    public func logout(token: String) async throws {
        if let session = try await authenticate(token: token), case .staff(let staff) = session.principal {
            try await store.appendAudit(audit(staff, "staff.logout", staff.username))
        }
        try await store.deleteSession(tokenHash: SecretToken.digest(token))
    }

    /// Sends a reset code if the address has an account; the answer is the same either way.
    public func requestPasswordReset(email: String) async throws {
        let period = try await period()
        guard let (account, _) = try await store.accountForLogin(periodID: period.id, nikOrEmail: email.trimmingCharacters(in: .whitespaces).lowercased()),
            try await mayIssueCode(accountID: account.id, .resetPassword)
        else { return }
        let (code, plain) = newCode(.resetPassword)
        let mail = Mail(
            to: account.email,
            subject: "Atur ulang kata sandi Seleksi",
            body: """
                Kode untuk mengatur ulang kata sandi: \(plain)
                Kode berlaku \(settings.codeMinutes) menit. Jika Anda tidak memintanya, abaikan pesan ini; kata sandi Anda tidak berubah.

                \(Self.typedName(account.name))
                """,
            createdAt: now
        )
        try await store.issueCode(accountID: account.id, code, mail: mail)
    }

    public func resetPassword(email: String, code: String, newPassword: String, address: String) async throws {
        let period = try await period()
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        // The same answer for a weak password whether or not the address has an account.
        if let problem = passwords.problem(newPassword, mustNotContain: [email]) { throw problem }
        let found = try await store.accountForLogin(periodID: period.id, nikOrEmail: email)
        let key = Self.attemptKey(found?.0, typed: email, .resetPassword)
        let attempt = try await beginAttempt(accountKey: key, address: address)
        guard let (account, _) = found else { throw RegistrationError.wrongCode }
        if let problem = passwords.problem(newPassword, mustNotContain: [account.nik, account.email]) {
            // Refused before the code was looked at: not a guess.
            try await store.withdrawLoginAttempt(ids: attempt)
            throw problem
        }
        let hash = try await hashPassword(newPassword)
        guard
            try await store.resetPassword(
                accountID: account.id,
                codeHash: SecretToken.digest(code.trimmingCharacters(in: .whitespaces)),
                passwordHash: hash,
                now: now
            )
        else { throw RegistrationError.wrongCode }
        try await succeeded(attempt, accountKey: key)
    }

    public func account(id: Int64) async throws -> Account {
        guard let account = try await store.account(id: id) else { throw RegistrationError.unauthenticated }
        return account
    }

    // MARK: - Staff

    /// Creates or resets a staff account; returns the new password and TOTP secret, shown once.
    public func createStaff(username: String, role: StaffRole, agencyID: String?) async throws -> (staff: StaffAccount, password: String, totpSecret: String) {
        guard username.range(of: "^[a-z0-9._-]{3,40}$", options: .regularExpression) != nil else {
            throw RegistrationError.invalid("invalid-username", "Nama pengguna: 3-40 huruf kecil, angka, titik, garis bawah atau tanda hubung.")
        }
        guard (role == .verifier) == (agencyID != nil) else {
            throw RegistrationError.invalid("invalid-scope", "Verifikator harus terikat pada satu instansi; peran lain tidak.")
        }
        if let agencyID, !(try await store.agencies().contains { $0.id == agencyID }) {
            throw RegistrationError.invalid("unknown-agency", "Instansi \(agencyID) tidak dikenal.")
        }
        // An observer watches the period open now, and no other.
        let periodID = role == .observer ? try await period().id : nil
        let password = GeneratedPassword.make()
        let secret = GeneratedPassword.make()
        let staff = try await store.saveStaff(
            username: username,
            role: role,
            agencyID: agencyID,
            periodID: periodID,
            passwordHash: try await hashPassword(password),
            totpSecret: secret
        )
        try await store.appendAudit(
            AuditEntry(at: now, actor: "sistem", role: "system", action: "staff.create", subject: username, detail: "peran \(role.rawValue)")
        )
        return (staff, password, secret)
    }

    /// Password and a TOTP code from the staff member's authenticator; a code is
    /// accepted once, within one step either side of the server's time.
    public func staffLogin(username: String, password: String, totp: String, address: String) async throws -> (token: String, session: AuthSession) {
        let valid = username.range(of: "^[a-z0-9._-]{3,40}$", options: .regularExpression) != nil
        let accountKey = "staff:" + (valid ? username : "?")
        let attempt: [Int64]
        do {
            attempt = try await beginAttempt(accountKey: accountKey, address: address)
        } catch let refusal as RegistrationError where refusal.code == "too-many-attempts" {
            // Over a limit, a right password with a fresh authenticator code still signs in:
            // the code is the second step a guesser lacks, so nobody can lock staff out by
            // failing in their name. These checks have their own ceiling (as many again).
            guard try await mayCheckOverLimit(accountKey: accountKey, address: address) else { throw refusal }
            attempt = []
        }
        let credentials = valid ? try await store.staffCredentials(username: username) : nil
        // An unknown username costs the same bcrypt as a known one.
        let matches = try await verifyPassword(password, hash: credentials?.passwordHash ?? dummyHash)
        let step = credentials.flatMap { TOTPCode.step(secret: $0.totpSecret, code: totp, now: now) }
        guard let credentials, matches, let step, step > credentials.lastTOTPStep, try await store.useTOTPStep(staffID: credentials.staff.id, step: step)
        else {
            // The typed name is not trusted as an actor: it is recorded, shortened, as detail.
            try await store.appendAudit(
                AuditEntry(
                    at: now,
                    actor: "anonim",
                    role: "none",
                    action: "staff.login-failed",
                    subject: credentials?.staff.username ?? "-",
                    detail: "nama \(String(username.prefix(40))), alamat \(address)"
                )
            )
            // The right password and a right code used already (a second tab, a double
            // click): said as such, since only the holder of the password learns it.
            if credentials != nil, matches, step != nil {
                throw RegistrationError.totpReused
            }
            throw RegistrationError.wrongStaffLogin
        }
        try await succeeded(attempt, accountKey: accountKey)
        let audit = AuditEntry(
            at: now,
            actor: credentials.staff.username,
            role: credentials.staff.role.rawValue,
            action: "staff.login",
            subject: credentials.staff.username,
            detail: "alamat \(address)"
        )
        return try await startSession(.staff(credentials.staff), audit: audit)
    }

    // MARK: - Helpers

    /// A hash at the configured cost that no password matches.
    var dummyHash: String { PasswordHashing.unmatchable(cost: settings.bcryptCost) }

    func hashPassword(_ password: String) async throws -> String {
        try await PasswordHashing.hash(password, cost: settings.bcryptCost)
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await PasswordHashing.verify(password, hash: hash)
    }

    func newCode(_ purpose: OneTimeCode.Purpose) -> (OneTimeCode, String) {
        var generator = SystemRandomNumberGenerator()
        let plain = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        return (OneTimeCode(purpose: purpose, codeHash: SecretToken.digest(plain), expiresAt: now + Int64(settings.codeMinutes) * 60_000), plain)
    }

    /// An audit line by `staff`; nil is the system itself (set-up, the demo, the command line on the server).
    func audit(_ staff: StaffAccount?, _ action: String, _ subject: String, _ detail: String = "") -> AuditEntry {
        AuditEntry(at: now, actor: staff?.username ?? "sistem", role: staff?.role.rawValue ?? "system", action: action, subject: subject, detail: detail)
    }
}
