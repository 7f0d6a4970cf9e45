public import Foundation
import GRDB
import SeleksiCore
import SeleksiStorage

/// Published announcements: append-only once public, each kept as the file the public
/// downloads; only a scheduled version not yet shown can be withdrawn.
extension SQLiteRegistrationStore {
    public func announcements(periodID: String, stage: String, visibleAt: Int64?) async throws -> [StoredAnnouncement] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, version, digest, previous_digest, content_digest, published_at, created_at, created_by, row_count FROM announcement
                    WHERE period_id = ? AND stage = ? AND published_at <= ? ORDER BY version
                    """,
                arguments: [periodID, stage, visibleAt ?? Int64.max]
            ).map(Self.announcement)
        }
    }

    static func announcement(_ row: Row) -> StoredAnnouncement {
        StoredAnnouncement(
            stage: row["stage"],
            version: row["version"],
            digest: row["digest"],
            previousDigest: row["previous_digest"],
            contentDigest: row["content_digest"],
            publishedAt: row["published_at"],
            createdAt: row["created_at"],
            createdBy: row["created_by"],
            rows: row["row_count"]
        )
    }

    public func announcementFile(periodID: String, stage: String, version: Int, visibleAt: Int64?) async throws -> Data? {
        try await writer.read { db in
            try Data.fetchOne(
                db,
                sql: "SELECT file FROM announcement WHERE period_id = ? AND stage = ? AND version = ? AND published_at <= ?",
                arguments: [periodID, stage, version, visibleAt ?? Int64.max]
            )
        }
    }

    public func appendAnnouncement(_ announcement: StoredAnnouncement, file: Data, periodID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            let latest =
                try Row.fetchOne(
                    db,
                    sql: "SELECT version, digest, published_at FROM announcement WHERE period_id = ? AND stage = ? ORDER BY version DESC LIMIT 1",
                    arguments: [periodID, announcement.stage]
                )
            guard announcement.version == (latest?["version"] ?? 0) + 1, announcement.previousDigest == latest?["digest"] else {
                throw RegistrationError(
                    "announcement-version-taken",
                    kind: .conflict,
                    "Versi \(announcement.version) pengumuman baru saja diterbitkan oleh orang lain; periksa pratinjaunya lagi."
                )
            }
            // Versions go public in order: a later one never shows before the one it corrects.
            if let shown: Int64 = latest?["published_at"], announcement.publishedAt < shown {
                throw RegistrationError(
                    "publish-before-previous",
                    kind: .conflict,
                    "Versi \(announcement.version) tidak dapat tayang sebelum versi sebelumnya (\(IndonesianDate.dateTime(shown))); pilih waktu sesudahnya."
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO announcement (period_id, stage, version, digest, previous_digest, content_digest, published_at, created_at, created_by, row_count, file)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    periodID, announcement.stage, announcement.version, announcement.digest, announcement.previousDigest, announcement.contentDigest,
                    announcement.publishedAt, announcement.createdAt, announcement.createdBy, announcement.rows, file,
                ]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func withdrawScheduledAnnouncement(
        periodID: String,
        stage: String,
        version: Int,
        now: Int64,
        audit: AuditEntry
    ) async throws -> StoredAnnouncement {
        try await grouped.write { db in
            let versions = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, version, digest, previous_digest, content_digest, published_at, created_at, created_by, row_count FROM announcement
                    WHERE period_id = ? AND stage = ? ORDER BY version
                    """,
                arguments: [periodID, stage]
            ).map(Self.announcement)
            guard let withdrawn = versions.first(where: { $0.version == version }) else { throw RegistrationError.notFound }
            guard withdrawn.publishedAt > now else {
                throw RegistrationError(
                    "announcement-public",
                    kind: .conflict,
                    "Versi \(version) sudah tayang sejak \(IndonesianDate.dateTime(withdrawn.publishedAt)) dan tidak dapat ditarik; terbitkan versi koreksi."
                )
            }
            guard withdrawn.version == versions.last?.version else {
                throw RegistrationError(
                    "announcement-not-latest",
                    kind: .conflict,
                    "Versi \(versions.last?.version ?? version) dibuat sesudah versi \(version) dan merujuknya; tarik versi itu lebih dulu."
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO announcement_withdrawal (period_id, stage, version, digest, planned_at, withdrawn_at, withdrawn_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [periodID, stage, version, withdrawn.digest, withdrawn.publishedAt, now, audit.actor]
            )
            try db.execute(sql: "DELETE FROM announcement WHERE period_id = ? AND stage = ? AND version = ?", arguments: [periodID, stage, version])
            try Self.insertAudit(db, audit)
            return withdrawn
        }
    }
}
