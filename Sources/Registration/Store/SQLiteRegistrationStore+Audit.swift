import Foundation
import GRDB
public import Logging
public import SeleksiCore
import SeleksiStorage
public import ServiceLifecycle

/// The append-only audit log and the mail outbox.
extension SQLiteRegistrationStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await grouped.write { db in try Self.insertAudit(db, entry) }
    }

    public func audit(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let actor = filter.actor {
            conditions.append("actor = ?")
            _ = arguments.append(contentsOf: [actor])
        }
        if let action = filter.action {
            conditions.append("action = ?")
            _ = arguments.append(contentsOf: [action])
        }
        if let period = filter.periodID {
            conditions.append("period_id = ?")
            _ = arguments.append(contentsOf: [period])
        }
        if let subject = filter.subject {
            conditions.append("subject = ?")
            _ = arguments.append(contentsOf: [subject])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [min(max(1, filter.limit), 1000)])
        let bound = arguments
        return try await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM audit_log \(whereClause) ORDER BY id DESC LIMIT ?"), arguments: bound).map {
                AuditEntry(id: $0["id"], at: $0["at"], actor: $0["actor"], role: $0["role"], action: $0["action"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }

    public func pendingMail(limit: Int) async throws -> [Mail] {
        try await writer.read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM mail_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?"), arguments: [limit]).map {
                Mail(id: $0["id"], to: $0["recipient"], subject: $0["subject"], body: $0["body"], createdAt: $0["created_at"])
            }
        }
    }

    public func markMailSent(id: Int64, at: Int64) async throws {
        try await grouped.write { db in try db.execute(sql: "UPDATE mail_outbox SET sent_at = ? WHERE id = ?", arguments: [at, id]) }
    }
}
