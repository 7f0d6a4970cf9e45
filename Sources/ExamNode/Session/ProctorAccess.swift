import Foundation
import GRDB
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
        let venue = venue?.trimmingCharacters(in: .whitespaces)
        let hash = try await PasswordHashing.hash(password, cost: settings.proctorBcryptCost)
        let secret = GeneratedPassword.make()
        let now = clock.nowMilliseconds()
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO proctor (username, password_hash, created_at, totp_secret, last_totp_step, venue) VALUES (?, ?, ?, ?, 0, ?)
                    ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, totp_secret = excluded.totp_secret,
                        last_totp_step = 0, venue = excluded.venue
                    """,
                arguments: [username, hash, now, secret, venue?.isEmpty == false ? venue : nil]
            )
            // A reset is for a password that may be known to someone else: their sign-ins end.
            try db.execute(sql: "DELETE FROM proctor_token WHERE username = ?", arguments: [username])
            try Self.audit(db, now, actor: "sistem", "proctor-set", details: username + (venue.map { ", lokasi \($0)" } ?? ""))
        }
        return secret
    }

    /// Gives a proctor one more session to watch.
    public func assignProctor(username: String, session: String, actor: String) async throws {
        let now = clock.nowMilliseconds()
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM proctor WHERE username = ?)", arguments: [username]) == true else {
                throw ExamNodeError("unknown-proctor", kind: .notFound, "Pengawas \(username) tidak ada di node ini.")
            }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM exam_session WHERE id = ?)", arguments: [session]) == true else {
                throw ExamNodeError.unknownSession
            }
            try db.execute(sql: "INSERT OR IGNORE INTO proctor_assignment (username, session_id) VALUES (?, ?)", arguments: [username, session])
            try Self.audit(db, now, actor: actor, "proctor-assign", session: session, details: username)
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
        let account = try await writer.read { db -> (hash: String, secret: String, lastStep: Int64)? in
            try Row.fetchOne(db, sql: "SELECT password_hash, totp_secret, last_totp_step FROM proctor WHERE username = ?", arguments: [name])
                .map { ($0["password_hash"], $0["totp_secret"], $0["last_totp_step"]) }
        }
        // An unknown name costs the same bcrypt as a known one, so timing does not tell which exist.
        let matches = try await PasswordHashing.verify(password, hash: account?.hash ?? dummyProctorHash)
        let token = SecretToken.generate()
        let accepted = try await writer.write { db -> Bool in
            guard let account, matches, !account.secret.isEmpty,
                let step = TOTPCode.step(secret: account.secret, code: totp, now: now), step > account.lastStep
            else {
                try Self.audit(db, now, actor: "anonim", "proctor-login-failed", details: "nama \(name), alamat \(address)")
                return false
            }
            try db.execute(
                sql: "UPDATE proctor SET last_totp_step = ? WHERE username = ? AND last_totp_step < ?",
                arguments: [step, name, step]
            )
            guard db.changesCount == 1 else { return false }
            try db.execute(
                sql: "INSERT INTO proctor_token (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [token.digest, name, now, now + settings.proctorTokenMilliseconds]
            )
            try Self.audit(db, now, actor: name, "proctor-login", details: "alamat \(address)")
            return true
        }
        guard accepted else { throw ExamNodeError.proctorUnauthorized }
        wrong = false
        return token.text
    }

    /// The proctor a bearer token belongs to.
    public func proctor(token: String) async throws -> String {
        let now = clock.nowMilliseconds()
        let name = try await writer.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT username FROM proctor_token WHERE token_hash = ? AND expires_at > ?",
                arguments: [SecretToken.digest(token), now]
            )
        }
        guard let name else { throw ExamNodeError.proctorUnauthorized }
        return name
    }

    /// Ends the sign-in of this token.
    public func proctorLogout(token: String) async throws {
        let now = clock.nowMilliseconds()
        try await writer.write { db in
            guard let name = try String.fetchOne(db, sql: "SELECT username FROM proctor_token WHERE token_hash = ?", arguments: [SecretToken.digest(token)])
            else { return }
            try db.execute(sql: "DELETE FROM proctor_token WHERE token_hash = ?", arguments: [SecretToken.digest(token)])
            try Self.audit(db, now, actor: name, "proctor-logout")
        }
    }

    /// The sessions `proctor` may see, in timetable order.
    public func sessions(visibleTo proctor: String) async throws -> [SessionSummary] {
        try await writer.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT id FROM exam_session WHERE \(Self.visibleToProctor) ORDER BY scheduled_start, id",
                arguments: [proctor, proctor]
            )
            .map { try Self.summary(db, id: $0) }
        }
    }

    /// Refuses, as "not found", a session `proctor` may not reach.
    public func requireAccess(proctor: String, session: String) async throws {
        let visible = try await writer.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM exam_session WHERE id = ? AND \(Self.visibleToProctor))",
                arguments: [session, proctor, proctor]
            )
        }
        guard visible == true else { throw ExamNodeError.unknownSession }
    }

    /// A session is the proctor's when assigned to them or at the venue they are set to.
    static let visibleToProctor = """
        (EXISTS (SELECT 1 FROM proctor_assignment a WHERE a.session_id = exam_session.id AND a.username = ?)
         OR venue = (SELECT p.venue FROM proctor p WHERE p.username = ?))
        """

    var dummyProctorHash: String { PasswordHashing.unmatchable(cost: settings.proctorBcryptCost) }
}
