import Foundation
import GRDB

/// A consistent copy of a live SQLite store through SQLite's online backup API (GRDB's
/// `backup(to:)`): taken while the service runs and writes, it is the database as one
/// transaction saw it, never a file copied halfway through a write. The copy is written
/// beside its destination, checked (`PRAGMA integrity_check`) and only then renamed into
/// place, so a failed or interrupted backup never leaves a file that looks like one.
public enum SQLiteBackup {
    /// What the copy holds: its size and the rows of each table, for the operator to read.
    public struct Report: Sendable {
        public let bytes: Int
        public let rows: [String: Int]
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func copy(from source: String, to destination: String) throws -> Report {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "\(source) tidak ada") }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw Failure(description: "\(destination) sudah ada; cadangan tidak pernah menimpa berkas")
        }
        // A name of its own: two backups to one destination never share a half-written file.
        let partial = destination + ".sebagian-" + UUID().uuidString
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let from = try DatabaseQueue(path: source, configuration: configuration)
            let to = try DatabaseQueue(path: partial)
            try from.backup(to: to)
            try from.close()
            let (integrity, rows) = try to.read { db -> (String?, [String: Int]) in
                let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check")
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                var rows: [String: Int] = [:]
                for table in tables { rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0 }
                return (integrity, rows)
            }
            try to.close()
            guard integrity == "ok" else { throw Failure(description: "salinan tidak utuh: \(integrity ?? "?")") }
            // moveItem refuses an existing destination: a backup that finished first wins.
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
            return Report(bytes: bytes, rows: rows)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if let failure = error as? Failure { throw failure }
            throw Failure(description: "cadangan \(source) gagal: \(error)")
        }
    }

    /// The report as the command prints it.
    public static func describe(_ report: Report, to destination: String) -> String {
        let tables = report.rows.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value) baris" }
        return (["Cadangan \(destination) (\(report.bytes / 1024) KB), diperiksa utuh:"] + tables).joined(separator: "\n")
    }
}
