import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// Accounts, their email codes and login limits; sessions and staff accounts.
extension SQLiteRegistrationStore {
    static func account(_ row: Row) -> Account {
        Account(
            id: row["id"],
            periodID: row["period_id"],
            nik: row["nik"],
            kk: row["kk"],
            name: row["name"],
            birthPlace: row["birth_place"],
            birthDate: row["birth_date"],
            sex: Sex(rawValue: row["sex"]) ?? .male,
            email: row["email"],
            phone: row["phone"],
            emailVerified: row["email_verified"],
            createdAt: row["created_at"],
            frozenAt: row["frozen_at"]
        )
    }

    static func insertMail(_ db: Database, _ mail: Mail) throws {
        try db.execute(
            sql: "INSERT INTO mail_outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)",
            arguments: [mail.to, mail.subject, mail.body, mail.createdAt]
        )
    }

    static func insertCode(_ db: Database, accountID: Int64, _ code: OneTimeCode) throws {
        // A new code replaces the earlier ones of the same purpose.
        try db.execute(
            sql: "UPDATE one_time_code SET used_at = -1 WHERE account_id = ? AND purpose = ? AND used_at IS NULL",
            arguments: [accountID, code.purpose.rawValue]
        )
        try db.execute(
            sql: "INSERT INTO one_time_code (account_id, purpose, code_hash, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [accountID, code.purpose.rawValue, code.codeHash, code.expiresAt]
        )
    }

    public func createAccount(_ a: Account, passwordHash: String, code: OneTimeCode, mail: Mail) async throws -> Account {
        try await grouped.write { db in
            if try Bool.fetchOne(
                try db.cachedStatement(sql: "SELECT 1 FROM account WHERE period_id = ? AND nik = ? AND frozen_at IS NULL"),
                arguments: [a.periodID, a.nik]
            ) == true {
                throw RegistrationError.duplicateNIK
            }
            if try Bool.fetchOne(
                try db.cachedStatement(sql: "SELECT 1 FROM account WHERE period_id = ? AND email = ? AND frozen_at IS NULL"),
                arguments: [a.periodID, a.email]
            )
                == true
            {
                throw RegistrationError.duplicateEmail
            }
            try db.execute(
                sql: """
                    INSERT INTO account (period_id, nik, kk, name, birth_place, birth_date, sex, email, phone, password_hash, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [a.periodID, a.nik, a.kk, a.name, a.birthPlace, a.birthDate, a.sex.rawValue, a.email, a.phone, passwordHash, a.createdAt]
            )
            var created = a
            created.id = db.lastInsertedRowID
            try Self.insertCode(db, accountID: created.id, code)
            try Self.insertMail(db, mail)
            return created
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await writer.read { db in try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM account WHERE id = ?"), arguments: [id]).map(Self.account) }
    }

    public func accountForLogin(periodID: String, nikOrEmail: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM account WHERE period_id = ? AND (nik = ? OR email = ?) AND frozen_at IS NULL"),
                arguments: [periodID, nikOrEmail, nikOrEmail.lowercased()]
            ).map { (Self.account($0), $0["password_hash"]) }
        }
    }

    public func latestCodeExpiry(accountID: Int64, purpose: OneTimeCode.Purpose) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT max(expires_at) FROM one_time_code WHERE account_id = ? AND purpose = ?",
                arguments: [accountID, purpose.rawValue]
            )
        }
    }

    public func issueCode(accountID: Int64, _ code: OneTimeCode, mail: Mail) async throws {
        try await grouped.write { db in
            try Self.insertCode(db, accountID: accountID, code)
            try Self.insertMail(db, mail)
        }
    }

    static func useCode(_ db: Database, accountID: Int64, purpose: OneTimeCode.Purpose, codeHash: String, now: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE one_time_code SET used_at = ? WHERE account_id = ? AND purpose = ? AND code_hash = ? AND used_at IS NULL AND expires_at >= ?",
            arguments: [now, accountID, purpose.rawValue, codeHash, now]
        )
        return db.changesCount == 1
    }

    public func useCode(accountID: Int64, purpose: OneTimeCode.Purpose, codeHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in try Self.useCode(db, accountID: accountID, purpose: purpose, codeHash: codeHash, now: now) }
    }

    public func confirmEmail(accountID: Int64, codeHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in
            guard try Self.useCode(db, accountID: accountID, purpose: .verifyEmail, codeHash: codeHash, now: now) else { return false }
            try db.execute(sql: "UPDATE account SET email_verified = 1 WHERE id = ?", arguments: [accountID])
            return true
        }
    }

    public func resetPassword(accountID: Int64, codeHash: String, passwordHash: String, now: Int64) async throws -> Bool {
        try await grouped.write { db in
            guard try Self.useCode(db, accountID: accountID, purpose: .resetPassword, codeHash: codeHash, now: now) else { return false }
            // The code came by email, so the address is proven too.
            try db.execute(sql: "UPDATE account SET password_hash = ?, email_verified = 1 WHERE id = ?", arguments: [passwordHash, accountID])
            try db.execute(sql: "DELETE FROM auth_session WHERE account_id = ?", arguments: [accountID])
            return true
        }
    }

    public func beginLoginAttempt(limits: [(key: String, limit: Int)], since: Int64, at: Int64) async throws -> [Int64]? {
        try await grouped.write { db -> [Int64]? in
            for (key, limit) in limits {
                let failures =
                    try Int.fetchOne(
                        try db.cachedStatement(sql: "SELECT count(*) FROM login_failure WHERE key = ? AND at >= ?"),
                        arguments: [key, since]
                    ) ?? 0
                if failures >= limit { return nil }
            }
            var ids: [Int64] = []
            for (key, _) in limits {
                try db.cachedStatement(sql: "INSERT INTO login_failure (key, at) VALUES (?, ?)").execute(arguments: [key, at])
                ids.append(db.lastInsertedRowID)
            }
            // Old failures no longer count; keep the table small.
            try db.cachedStatement(sql: "DELETE FROM login_failure WHERE at < ?").execute(arguments: [at - 86_400_000])
            return ids
        }
    }

    public func withdrawLoginAttempt(ids: [Int64]) async throws {
        try await grouped.write { db in
            for id in ids { try db.cachedStatement(sql: "DELETE FROM login_failure WHERE rowid = ?").execute(arguments: [id]) }
        }
    }

    public func clearLoginFailures(key: String) async throws {
        try await grouped.write { db in try db.execute(sql: "DELETE FROM login_failure WHERE key = ?", arguments: [key]) }
    }

    // MARK: - Sessions and staff

    public func createSession(tokenHash: String, _ session: AuthSession, audit: AuditEntry?) async throws {
        try await grouped.write { db in
            let (account, staff): (Int64?, Int64?) =
                switch session.principal {
                case .applicant(let id): (id, nil)
                case .staff(let member): (nil, member.id)
                }
            try db.execute(
                sql: "INSERT INTO auth_session (token_hash, account_id, staff_id, csrf, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tokenHash, account, staff, session.csrf, session.expiresAt]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func session(tokenHash: String, now: Int64) async throws -> AuthSession? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.account_id, s.csrf, s.expires_at, t.id AS staff_id, t.username, t.role, t.agency_id, t.period_id AS staff_period_id
                        FROM auth_session s LEFT JOIN staff t ON t.id = s.staff_id LEFT JOIN account a ON a.id = s.account_id
                        WHERE s.token_hash = ? AND s.expires_at > ? AND a.frozen_at IS NULL
                        """,
                    arguments: [tokenHash, now]
                )
            else { return nil }
            let principal: Principal
            if let account: Int64 = row["account_id"] {
                principal = .applicant(accountID: account)
            } else {
                principal = .staff(
                    StaffAccount(
                        id: row["staff_id"],
                        username: row["username"],
                        role: StaffRole(rawValue: row["role"]) ?? .proctor,
                        agencyID: row["agency_id"],
                        periodID: row["staff_period_id"]
                    )
                )
            }
            return AuthSession(principal: principal, csrf: row["csrf"], expiresAt: row["expires_at"])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await grouped.write { db in try db.execute(sql: "DELETE FROM auth_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func saveStaff(
        username: String,
        role: StaffRole,
        agencyID: String?,
        periodID: String?,
        passwordHash: String,
        totpSecret: String
    ) async throws -> StaffAccount {
        try await grouped.write { db in
            try db.execute(
                sql: """
                    INSERT INTO staff (username, role, agency_id, period_id, password_hash, totp_secret) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(username) DO UPDATE SET role = excluded.role, agency_id = excluded.agency_id, period_id = excluded.period_id,
                      password_hash = excluded.password_hash, totp_secret = excluded.totp_secret, last_totp_step = 0
                    """,
                arguments: [username, role.rawValue, agencyID, periodID, passwordHash, totpSecret]
            )
            let id = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM staff WHERE username = ?"), arguments: [username])!
            try db.execute(sql: "DELETE FROM auth_session WHERE staff_id = ?", arguments: [id])
            return StaffAccount(id: id, username: username, role: role, agencyID: agencyID, periodID: periodID)
        }
    }

    public func staffCredentials(username: String) async throws -> StaffCredentials? {
        try await writer.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM staff WHERE username = ?"), arguments: [username]).map {
                StaffCredentials(
                    staff: StaffAccount(
                        id: $0["id"],
                        username: $0["username"],
                        role: StaffRole(rawValue: $0["role"]) ?? .proctor,
                        agencyID: $0["agency_id"],
                        periodID: $0["period_id"]
                    ),
                    passwordHash: $0["password_hash"],
                    totpSecret: $0["totp_secret"],
                    lastTOTPStep: $0["last_totp_step"]
                )
            }
        }
    }

    public func useTOTPStep(staffID: Int64, step: Int64) async throws -> Bool {
        try await grouped.write { db in
            try db.execute(sql: "UPDATE staff SET last_totp_step = ? WHERE id = ? AND last_totp_step < ?", arguments: [step, staffID, step])
            return db.changesCount == 1
        }
    }
}
