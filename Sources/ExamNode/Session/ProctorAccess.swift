import Foundation
import SeleksiAuth
import SeleksiCore

/// Proctor accounts and what each may reach. A proctor signs in with a password and a
/// code from their authenticator; they see and act on only the sessions they are assigned
/// to (or every session of their venue); anyone else's session answers "not found".
extension ExamService {
    /// A new proctor account, or a new password and authenticator secret for an existing
    /// one (returned once; every earlier sign-in of theirs ends). `venue`: they may reach
    /// every session of that venue; without it, only the sessions assigned to them.
    public func setProctor(username: String, password: String, venue: String? = nil) async throws -> String {
        guard username.range(of: "^[a-z0-9._-]{3,40}$", options: .regularExpression) != nil, password.count >= 10 else {
            throw ExamNodeError.invalid("Nama pengguna 3-40 huruf kecil, angka, titik, garis bawah atau tanda hubung; kata sandi minimal 10 karakter.")
        }
        // The names the audit log gives the portal and the node itself are never a proctor's.
        guard ![Self.portalActor, "sistem"].contains(username) else {
            throw ExamNodeError.invalid("Nama pengguna \(username) dipakai node untuk portal dan sistem; pilih nama lain.")
        }
        let venue = venue?.trimmingCharacters(in: .whitespaces)
        let hash = try await PasswordHashing.hash(password, cost: settings.proctorBcryptCost)
        let secret = GeneratedPassword.make()
        let now = clock.nowMilliseconds()
        try await store.write { tx in
            try tx.saveProctor(username: username, passwordHash: hash, totpSecret: secret, venue: venue?.isEmpty == false ? venue : nil, at: now)
            // A reset is for a password that may be known to someone else: their sign-ins end.
            try tx.endProctorTokens(username: username)
            try Self.audit(tx, now, actor: "sistem", "proctor-set", details: username + (venue.map { ", lokasi \($0)" } ?? ""))
        }
        return secret
    }

    /// Gives a proctor one more session to watch.
    public func assignProctor(username: String, session: String, actor: String) async throws {
        let now = clock.nowMilliseconds()
        try await store.write { tx in
            guard try tx.proctor(username: username) != nil else {
                throw ExamNodeError("unknown-proctor", kind: .notFound, "Pengawas \(username) tidak ada di node ini.")
            }
            guard try tx.sessionState(session) != nil else { throw ExamNodeError.unknownSession }
            try tx.assignProctor(username: username, session: session)
            try Self.audit(tx, now, actor: actor, "proctor-assign", session: session, details: username)
        }
    }

    /// Password and authenticator code; a code is accepted once. Wrong sign-ins are
    /// limited per address, and bcrypt runs off the event loops.
    public func proctorLogin(username: String, password: String, totp: String, address: String) async throws -> String {
        let now = clock.nowMilliseconds()
        let window = settings.lockoutMilliseconds
        let limit = settings.proctorLoginFailuresPerAddress
        let name = String(username.prefix(40))
        if let wait = await proctorFailures.begin("address:" + address, now: now, limit: limit, window: window) {
            throw ExamNodeError.lockedOut(seconds: (wait + 999) / 1000)
        }
        // No limit per name: anyone on the venue network could then keep the proctor out
        // (during a power cut, say); the authenticator code is what a guesser lacks.
        var wrong = true
        defer { proctorFailures.end("address:" + address, wrongGuess: wrong, at: now) }
        let account = try await store.read { tx in try tx.proctor(username: name) }
        // An unknown name costs the same bcrypt as a known one, so timing does not tell which exist.
        let matches = try await PasswordHashing.verify(password, hash: account?.passwordHash ?? dummyProctorHash)
        let token = SecretToken.generate()
        let accepted = try await store.write { tx -> Bool in
            guard let account, matches, !account.totpSecret.isEmpty,
                let step = TOTPCode.step(secret: account.totpSecret, code: totp, now: now), step > account.lastTOTPStep
            else {
                try Self.audit(tx, now, actor: "anonim", "proctor-login-failed", details: "nama \(name), alamat \(address)")
                return false
            }
            guard try tx.advanceTOTPStep(username: name, to: step) else { return false }
            try tx.insertProctorToken(hash: token.digest, username: name, createdAt: now, expiresAt: now + settings.proctorTokenMilliseconds)
            try Self.audit(tx, now, actor: name, "proctor-login", details: "alamat \(address)")
            return true
        }
        guard accepted else { throw ExamNodeError.proctorWrongLogin }
        wrong = false
        return token.text
    }

    /// The proctor a bearer token belongs to.
    public func proctor(token: String) async throws -> String {
        let now = clock.nowMilliseconds()
        let found = try await store.read { tx in try tx.proctorToken(hash: SecretToken.digest(token)) }
        guard let found, found.expiresAt > now else { throw ExamNodeError.proctorUnauthorized }
        return found.username
    }

    /// Ends the sign-in of this token.
    public func proctorLogout(token: String) async throws {
        let now = clock.nowMilliseconds()
        try await store.write { tx in
            guard let name = try tx.proctorToken(hash: SecretToken.digest(token))?.username else { return }
            try tx.endProctorToken(hash: SecretToken.digest(token))
            try Self.audit(tx, now, actor: name, "proctor-logout")
        }
    }

    /// The sessions `proctor` may see, in timetable order.
    public func sessions(visibleTo proctor: String) async throws -> [SessionSummary] {
        try await store.read { tx in try tx.sessionIDs(visibleTo: proctor).map { try Self.summary(tx, id: $0) } }
    }

    /// Refuses, as "not found", a session `proctor` may not reach.
    public func requireAccess(proctor: String, session: String) async throws {
        let visible = try await store.read { tx in try tx.isSession(session, visibleTo: proctor) }
        guard visible else { throw ExamNodeError.unknownSession }
    }

    var dummyProctorHash: String { PasswordHashing.unmatchable(cost: settings.proctorBcryptCost) }
}
