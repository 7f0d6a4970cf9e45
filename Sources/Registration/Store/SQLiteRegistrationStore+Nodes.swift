import Foundation
import GRDB
import SeleksiStorage

/// The exam nodes a committee registered.
extension SQLiteRegistrationStore {
    public func saveNode(_ node: RegisteredNode, periodID: String, audit: AuditEntry) async throws {
        try await grouped.write { db in
            let holder = try String.fetchOne(db, sql: "SELECT id FROM exam_node WHERE public_key = ?", arguments: [node.publicKey])
            if let holder, holder != node.id { throw NodeRegistrationRule.keyInUse }
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
}
