import Foundation
import GRDB
import SeleksiCore
import SeleksiStorage

/// The exam nodes a committee registered.
extension SQLiteRegistrationStore {
    public func saveNode(_ node: RegisteredNode, periodID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            let holder = try String.fetchOne(
                db,
                sql: "SELECT id FROM exam_node WHERE period_id = ? AND public_key = ?",
                arguments: [periodID, node.publicKey]
            )
            if let holder, holder != node.id { throw NodeRegistrationRule.keyInUse }
            // One node per venue: two would both get its sessions and participants.
            for row in try Row.fetchAll(db, sql: "SELECT id, venues FROM exam_node WHERE period_id = ? AND id != ?", arguments: [periodID, node.id]) {
                let venues = try Self.decoder.decode([String].self, from: Data((row["venues"] as String).utf8))
                if let shared = venues.first(where: node.venues.contains) { throw NodeRegistrationRule.venueTaken(shared, by: row["id"]) }
            }
            try db.execute(
                sql: """
                    INSERT INTO exam_node (id, period_id, venues, url, public_key, registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(period_id, id) DO UPDATE SET venues = excluded.venues, url = excluded.url, public_key = excluded.public_key,
                      registered_at = excluded.registered_at, registered_by = excluded.registered_by
                    """,
                arguments: [node.id, periodID, try Self.json(node.venues), node.url, node.publicKey, node.registeredAt, node.registeredBy]
            )
            try Self.insertAudit(db, audit)
        }
    }

    public func nodes(periodID: String) async throws -> [RegisteredNode] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM exam_node WHERE period_id = ? ORDER BY id", arguments: [periodID]).map { row in
                RegisteredNode(
                    id: row["id"],
                    venues: try Self.decoder.decode([String].self, from: Data((row["venues"] as String).utf8)),
                    url: row["url"],
                    publicKey: row["public_key"],
                    registeredAt: row["registered_at"],
                    registeredBy: row["registered_by"]
                )
            }
        }
    }

    public func seatedNames(periodID: String, participantNumbers: [String]) async throws -> [String: String] {
        let numbers = Array(Set(participantNumbers)).sorted()
        return try await writer.read { db in
            var names: [String: String] = [:]
            // In chunks, under SQLite's limit on bound values.
            for start in stride(from: 0, to: numbers.count, by: 500) {
                let chunk = Array(numbers[start..<min(start + 500, numbers.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.slot_id, p.participant_number, c.name FROM application p JOIN account c ON c.id = p.account_id
                        WHERE p.period_id = ? AND p.slot_id IS NOT NULL AND c.frozen_at IS NULL AND p.participant_number IN (\(marks))
                        """,
                    arguments: StatementArguments([periodID] + chunk)
                )
                for row in rows { names["\(row["slot_id"] as String)/\(row["participant_number"] as String)"] = row["name"] }
            }
            return names
        }
    }

    public func seatedParticipants(periodID: String) async throws -> [SeatedParticipant] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.slot_id, p.participant_number, c.name, f.type, p.accommodations_confirmed AS accommodations,
                      r.from_session AS resit_of,
                      r.from_session IS NOT NULL AND NOT EXISTS (SELECT 1 FROM results_package rp WHERE rp.period_id = p.period_id
                        AND rp.session_id = r.from_session) AS resit_waiting
                    FROM application p
                    LEFT JOIN resit r ON r.period_id = p.period_id AND r.participant_number = p.participant_number AND r.to_session = p.slot_id
                    JOIN account c ON c.id = p.account_id JOIN formation f ON f.id = p.formation_id
                    WHERE p.period_id = ? AND p.slot_id IS NOT NULL AND p.participant_number IS NOT NULL AND c.frozen_at IS NULL
                    ORDER BY p.slot_id, p.participant_number
                    """,
                arguments: [periodID]
            ).map { row in
                SeatedParticipant(
                    slotID: row["slot_id"],
                    participantNumber: row["participant_number"],
                    name: row["name"],
                    formationType: FormationType(rawValue: row["type"]) ?? .general,
                    accommodations: (row["accommodations"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
                    resitOf: row["resit_of"],
                    resitWaiting: row["resit_waiting"]
                )
            }
        }
    }

    public func latestRosterPackage(periodID: String, nodeID: String) async throws -> StoredRosterPackage? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM roster_package WHERE period_id = ? AND node_id = ? ORDER BY version DESC LIMIT 1",
                arguments: [periodID, nodeID]
            ).map { row in
                StoredRosterPackage(
                    nodeID: row["node_id"],
                    version: row["version"],
                    contentDigest: row["content_digest"],
                    envelope: row["envelope"],
                    builtAt: row["built_at"]
                )
            }
        }
    }

    public func appendRosterPackage(_ package: StoredRosterPackage, periodID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            let latest =
                try Int.fetchOne(
                    db,
                    sql: "SELECT max(version) FROM roster_package WHERE period_id = ? AND node_id = ?",
                    arguments: [periodID, package.nodeID]
                ) ?? 0
            guard package.version == latest + 1 else {
                throw RegistrationError(
                    "roster-version-taken",
                    kind: .conflict,
                    "Versi \(package.version) daftar peserta node \(package.nodeID) baru saja dibuat; ulangi."
                )
            }
            try db.execute(
                sql: "INSERT INTO roster_package (period_id, node_id, version, content_digest, envelope, built_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [periodID, package.nodeID, package.version, package.contentDigest, package.envelope, package.builtAt]
            )
            try Self.insertAudit(db, audit)
        }
    }
}
