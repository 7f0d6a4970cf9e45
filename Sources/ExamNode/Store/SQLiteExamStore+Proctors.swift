import GRDB

/// Proctor accounts, their sign-ins and the sessions assigned to them.
extension SQLiteExamTransaction {
    // MARK: - Reads

    func proctor(username: String) throws -> StoredProctor? {
        try Row.fetchOne(db, sql: "SELECT password_hash, totp_secret, last_totp_step, venue FROM proctor WHERE username = ?", arguments: [username])
            .map { StoredProctor(passwordHash: $0["password_hash"], totpSecret: $0["totp_secret"], lastTOTPStep: $0["last_totp_step"], venue: $0["venue"]) }
    }

    func proctorToken(hash: String) throws -> (username: String, expiresAt: Int64)? {
        try Row.fetchOne(db, sql: "SELECT username, expires_at FROM proctor_token WHERE token_hash = ?", arguments: [hash])
            .map { row in (username: row["username"] as String, expiresAt: row["expires_at"] as Int64) }
    }

    // MARK: - Writes

    func saveProctor(username: String, passwordHash: String, totpSecret: String, venue: String?, at now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO proctor (username, password_hash, created_at, totp_secret, last_totp_step, venue) VALUES (?, ?, ?, ?, 0, ?)
                ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, totp_secret = excluded.totp_secret,
                    last_totp_step = 0, venue = excluded.venue
                """,
            arguments: [username, passwordHash, now, totpSecret, venue]
        )
    }

    func assignProctor(username: String, session: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO proctor_assignment (username, session_id) VALUES (?, ?)", arguments: [username, session])
    }

    func claimPortalRequest(digest: String, expiresAt: Int64, now: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM answered_portal_request WHERE expires_at < ?", arguments: [now])
        try db.execute(sql: "INSERT OR IGNORE INTO answered_portal_request (digest, expires_at) VALUES (?, ?)", arguments: [digest, expiresAt])
        return db.changesCount == 1
    }

    func advanceTOTPStep(username: String, to step: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE proctor SET last_totp_step = ? WHERE username = ? AND last_totp_step < ?",
            arguments: [step, username, step]
        )
        return db.changesCount == 1
    }

    func insertProctorToken(hash: String, username: String, createdAt: Int64, expiresAt: Int64) throws {
        try db.execute(
            sql: "INSERT INTO proctor_token (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [hash, username, createdAt, expiresAt]
        )
    }

    func endProctorToken(hash: String) throws {
        try db.execute(sql: "DELETE FROM proctor_token WHERE token_hash = ?", arguments: [hash])
    }

    func endProctorTokens(username: String) throws {
        try db.execute(sql: "DELETE FROM proctor_token WHERE username = ?", arguments: [username])
    }
}
